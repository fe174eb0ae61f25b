package org.ferrymq.client;

import jakarta.jms.Topic;
import org.ferrymq.protocol.DestinationName;

/** A topic, named by its physical name. */
public class FerryTopic extends FerryDestination implements Topic {

    private static final long serialVersionUID = 1L;

    public FerryTopic(String name) {
        super(DestinationName.topic(name));
    }

    FerryTopic(DestinationName name) {
        super(name);
    }

    @Override
    public String getTopicName() {
        return physicalName();
    }
}
