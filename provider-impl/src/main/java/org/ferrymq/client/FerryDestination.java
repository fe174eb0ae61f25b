package org.ferrymq.client;

import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import java.io.Serializable;
import javax.naming.NamingException;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;
import org.ferrymq.jndi.FerryObjectFactory;
import org.ferrymq.protocol.DestinationName;

/**
 * A FerryMQ destination: an immutable handle on a physical destination. Serializable and
 * Referenceable so that administrators can bind it in any JNDI tree.
 */
public abstract class FerryDestination implements Destination, Serializable, Referenceable {

    private static final long serialVersionUID = 1L;

    private final DestinationName name;

    FerryDestination(DestinationName name) {
        this.name = name;
    }

    public DestinationName destinationName() {
        return name;
    }

    /** The physical name, as it appears in management and the journal. */
    public String physicalName() {
        return name.name();
    }

    /** The FerryMQ destination for a wire-level name; temporary ones come back without an owner. */
    public static FerryDestination of(DestinationName name) {
        if (name == null) {
            return null;
        }
        return switch (name.kind()) {
            case QUEUE -> new FerryQueue(name.name());
            case TOPIC -> new FerryTopic(name.name());
            case TEMP_QUEUE -> new FerryTemporaryQueue(name.name(), null);
            case TEMP_TOPIC -> new FerryTemporaryTopic(name.name(), null);
        };
    }

    /**
     * The wire-level name of any destination, FerryMQ's or another provider's (a foreign
     * Queue or Topic is taken by its name).
     */
    public static DestinationName nameOf(Destination destination) throws JMSException {
        if (destination == null) {
            return null;
        }
        if (destination instanceof FerryDestination ferry) {
            return ferry.name;
        }
        if (destination instanceof Queue queue) {
            return DestinationName.queue(requireName(queue.getQueueName(), destination));
        }
        if (destination instanceof Topic topic) {
            return DestinationName.topic(requireName(topic.getTopicName(), destination));
        }
        throw new InvalidDestinationException("Destination " + destination + " (" + destination.getClass().getName()
                + ") is neither a Queue nor a Topic; use Session.createQueue or Session.createTopic");
    }

    private static String requireName(String name, Destination destination) throws InvalidDestinationException {
        if (name == null || name.isEmpty()) {
            throw new InvalidDestinationException("Destination " + destination + " has no name");
        }
        return name;
    }

    @Override
    public Reference getReference() throws NamingException {
        Reference ref = new Reference(getClass().getName(), FerryObjectFactory.class.getName(), null);
        ref.add(new StringRefAddr(FerryObjectFactory.KIND, name.kind().name()));
        ref.add(new StringRefAddr(FerryObjectFactory.NAME, name.name()));
        return ref;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FerryDestination other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name.toString();
    }
}
