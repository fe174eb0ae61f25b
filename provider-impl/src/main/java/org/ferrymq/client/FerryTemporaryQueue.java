package org.ferrymq.client;

import jakarta.jms.JMSException;
import jakarta.jms.TemporaryQueue;
import org.ferrymq.protocol.DestinationName;

/**
 * A temporary queue: lives as long as the connection that created it, and only that
 * connection may consume from it or delete it.
 */
public final class FerryTemporaryQueue extends FerryQueue implements TemporaryQueue {

    private static final long serialVersionUID = 1L;

    private final transient TemporaryDestinationOwner owner;

    FerryTemporaryQueue(String name, TemporaryDestinationOwner owner) {
        super(new DestinationName(DestinationName.Kind.TEMP_QUEUE, name));
        this.owner = owner;
    }

    @Override
    public void delete() throws JMSException {
        if (owner == null) {
            throw new JMSException("Temporary queue '" + physicalName()
                    + "' can only be deleted through the connection that created it");
        }
        owner.deleteTemporaryDestination(this);
    }
}
