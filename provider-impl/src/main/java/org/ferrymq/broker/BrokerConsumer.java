package org.ferrymq.broker;

import java.util.TreeSet;
import org.ferrymq.selector.Selector;

/** The broker's side of one consumer: which queue it reads, its selector and its remaining credit. */
final class BrokerConsumer {

    final long id;
    final BrokerSession session;
    final MessageQueue queue;
    final Selector selector;
    /** The subscription this consumer reads, or null for a queue consumer. */
    final Subscription subscription;
    /** Messages the broker may still push; guarded by the queue's monitor. */
    int credit;
    /**
     * With a selector: the entries waiting on the queue that it matches, in delivery order;
     * kept by the queue, under its monitor. Null without a selector (it takes any entry).
     */
    final TreeSet<QueueEntry> matching;

    BrokerConsumer(long id, BrokerSession session, MessageQueue queue, Selector selector, Subscription subscription) {
        this.id = id;
        this.session = session;
        this.queue = queue;
        this.selector = selector;
        this.subscription = subscription;
        this.matching = selector == null ? null : new TreeSet<>(QueueEntry.DELIVERY_ORDER);
    }
}
