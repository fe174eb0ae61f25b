package org.ferrymq.broker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A topic: only a fan-out point. Its messages live in its subscriptions' queues. */
final class BrokerTopic {

    final String name;
    /** For a temporary topic, the connection that owns it; otherwise null. */
    final BrokerConnection owner;
    final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    BrokerTopic(String name, BrokerConnection owner) {
        this.name = name;
        this.owner = owner;
    }
}
