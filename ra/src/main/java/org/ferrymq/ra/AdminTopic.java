package org.ferrymq.ra;

import jakarta.jms.Topic;

/** A topic as an administered object of the adapter. */
public class AdminTopic extends AdminDestination implements Topic {

    private static final long serialVersionUID = 1L;

    @Override
    public String getTopicName() {
        return getPhysicalName();
    }

    @Override
    public String toString() {
        return "FerryMQ topic " + getPhysicalName();
    }
}
