package org.ferrymq.client;

import jakarta.jms.Queue;
import org.ferrymq.protocol.DestinationName;

/** A queue, named by its physical name. */
public class FerryQueue extends FerryDestination implements Queue {

    private static final long serialVersionUID = 1L;

    public FerryQueue(String name) {
        super(DestinationName.queue(name));
    }

    FerryQueue(DestinationName name) {
        super(name);
    }

    @Override
    public String getQueueName() {
        return physicalName();
    }
}
