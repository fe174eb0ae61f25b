package org.ferrymq.ra;

import jakarta.jms.Queue;

/** A queue as an administered object of the adapter. */
public class AdminQueue extends AdminDestination implements Queue {

    private static final long serialVersionUID = 1L;

    @Override
    public String getQueueName() {
        return getPhysicalName();
    }

    @Override
    public String toString() {
        return "FerryMQ queue " + getPhysicalName();
    }
}
