package org.ferrymq.broker;

import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.JournalRecord;
import org.ferrymq.api.journal.JournalReplay;
import org.ferrymq.api.journal.PreparedTransaction;
import org.ferrymq.selector.Selector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's start from its journal: it rebuilds the destinations, the durable subscriptions,
 * the place each queue has reached, the duplicate-ID windows and the prepared XA branches (with
 * the duplicate IDs they hold), as they were when the broker last stopped, however it stopped.
 * Queue contents are not read whole: each queue knows how many references the journal holds for
 * it and reads them back a page at a time.
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final String brokerName;
    private final Storage storage;
    private final Destinations destinations;
    private final Subscriptions subscriptions;
    private final XaTransactions xa;
    private final DuplicateIds duplicateIds;

    Recovery(String brokerName, Storage storage, Destinations destinations, Subscriptions subscriptions,
            XaTransactions xa, DuplicateIds duplicateIds) {
        this.brokerName = brokerName;
        this.storage = storage;
        this.destinations = destinations;
        this.subscriptions = subscriptions;
        this.xa = xa;
        this.duplicateIds = duplicateIds;
    }

    /**
     * Loads the journal: every queue, topic and durable subscription, how many messages each
     * queue holds, and the prepared XA branches, whose acknowledged messages are locked before
     * any page is read. Each queue then reads its first page, so it is ready when this returns.
     */
    void recover() throws JMSException {
        Map<Long, MessageQueue> durableQueues = new HashMap<>();
        Map<Long, long[]> contents = new HashMap<>();
        Map<Long, Long> redeliveriesUntil = new HashMap<>();
        List<PreparedTransaction> prepared = new ArrayList<>();
        try {
            storage.journal().load(new JournalReplay() {
                @Override
                public void destination(JournalRecord.DestinationCreated d) {
                    if (d.kind().equals("queue")) {
                        durableQueues.put(d.queueId(), destinations.recoveredQueue(d.name(), d.queueId()));
                    } else {
                        destinations.recoveredTopic(d.name());
                    }
                }

                @Override
                public void subscription(JournalRecord.SubscriptionCreated s) {
                    BrokerTopic topic = destinations.recoveredTopicOf(s.topic());
                    Selector selector = null;
                    String unreadable = null;
                    try {
                        selector = Selector.parse(s.selector());
                    } catch (JMSException e) {
                        unreadable = s.selector();
                        LOG.error("Durable subscription '{}'{} on topic '{}' has the selector \"{}\", which no longer "
                                + "parses ({}). It keeps the messages it holds but takes no new ones until it is "
                                + "subscribed again with a valid selector (which replaces it and its messages) or "
                                + "unsubscribed", s.name(), Subscriptions.forClient(s.clientId()), s.topic(),
                                unreadable, e.getMessage());
                    }
                    durableQueues.put(s.queueId(), subscriptions.recovered(s, topic, selector, unreadable));
                }

                @Override
                public void queue(long queueId, long references, long lastSeq) {
                    contents.put(queueId, new long[] {references, lastSeq});
                }

                @Override
                public void redeliveriesWaiting(long queueId, long latestTime) {
                    redeliveriesUntil.put(queueId, latestTime);
                }

                @Override
                public void duplicateId(JournalRecord.DuplicateIdAdded id) {
                    duplicateIds.recovered(id);
                }

                @Override
                public void prepared(PreparedTransaction transaction) {
                    prepared.add(transaction);
                }

                @Override
                public void highestNumber(long number) {
                    storage.numbersAfter(number);
                }
            });
        } catch (JournalException e) {
            JMSException failure = new JMSException("Broker '" + brokerName + "' could not read its journal: "
                    + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        contents.forEach((queueId, state) -> {
            MessageQueue queue = durableQueues.get(queueId);
            if (queue == null) {
                LOG.warn("The journal holds {} message(s) for queue id {}, which is neither a queue nor a durable "
                        + "subscription; they are left where they are", state[0], queueId);
                return;
            }
            queue.recovered(state[0], state[1]);
            Long redeliveriesWaitUntil = redeliveriesUntil.get(queueId);
            if (redeliveriesWaitUntil != null) {
                queue.redeliveriesRecovered(redeliveriesWaitUntil);
            }
        });
        // locks first: a page read must not deliver what a prepared branch acknowledged
        prepared.forEach(tx -> xa.recovered(tx, durableQueues::get));
        contents.keySet().stream().map(durableQueues::get).filter(q -> q != null)
                .forEach(MessageQueue::readPage); // the first page at once: the queue is ready when start returns
    }
}
