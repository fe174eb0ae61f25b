package org.ferrymq.client;

import jakarta.jms.JMSException;
import jakarta.jms.TemporaryTopic;
import org.ferrymq.protocol.DestinationName;

/**
 * A temporary topic: lives as long as the connection that created it, and only that
 * connection may consume from it or delete it.
 */
public final class FerryTemporaryTopic extends FerryTopic implements TemporaryTopic {

    private static final long serialVersionUID = 1L;

    private final transient TemporaryDestinationOwner owner;

    FerryTemporaryTopic(String name, TemporaryDestinationOwner owner) {
        super(new DestinationName(DestinationName.Kind.TEMP_TOPIC, name));
        this.owner = owner;
    }

    @Override
    public void delete() throws JMSException {
        if (owner == null) {
            throw new JMSException("Temporary topic '" + physicalName()
                    + "' can only be deleted through the connection that created it");
        }
        owner.deleteTemporaryDestination(this);
    }
}
