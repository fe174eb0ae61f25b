package org.ferrymq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * Ordered groups with competing consumers: the events of each account must be applied in
 * order, yet three workers share the queue. Each event carries its account as JMSXGroupID, so
 * the broker hands all of one account's events to one worker at a time, in the order they were
 * sent, while the accounts spread over the workers.
 */
public final class OrderedGroups {

    private static final int ACCOUNTS = 6;
    private static final int EVENTS_PER_ACCOUNT = 20;
    private static final int WORKERS = 3;
    private static final long TIMEOUT_SECONDS = 10;

    private OrderedGroups() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue events = (Queue) jndi.lookup("accountEvents");
        jndi.close();

        // account -> the event numbers applied, in the order they were applied
        Map<String, List<Integer>> applied = new ConcurrentHashMap<>();
        // account -> the workers that applied its events
        Map<String, Set<String>> appliedBy = new ConcurrentHashMap<>();
        List<Exception> errors = new CopyOnWriteArrayList<>();
        CountDownLatch allApplied = new CountDownLatch(ACCOUNTS * EVENTS_PER_ACCOUNT);

        try (Connection connection = factory.createConnection()) {
            for (int w = 1; w <= WORKERS; w++) {
                String worker = "worker-" + w;
                Session session = connection.createSession(Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(events);
                consumer.setMessageListener(message -> {
                    try {
                        String account = message.getStringProperty("JMSXGroupID");
                        applied.computeIfAbsent(account, a -> new CopyOnWriteArrayList<>())
                                .add(message.getIntProperty("event"));
                        appliedBy.computeIfAbsent(account, a -> ConcurrentHashMap.newKeySet()).add(worker);
                    } catch (JMSException e) {
                        errors.add(e);
                    } finally {
                        allApplied.countDown();
                    }
                });
            }
            connection.start();

            Session sender = connection.createSession(Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = sender.createProducer(events);
            for (int event = 1; event <= EVENTS_PER_ACCOUNT; event++) {
                for (int a = 1; a <= ACCOUNTS; a++) { // the accounts' events interleaved, as they happen
                    TextMessage message = sender.createTextMessage("event " + event + " of account-" + a);
                    message.setStringProperty("JMSXGroupID", "account-" + a);
                    message.setIntProperty("event", event);
                    producer.send(message);
                }
            }
            System.out.println("Sent " + EVENTS_PER_ACCOUNT + " events for each of " + ACCOUNTS
                    + " accounts, interleaved, to " + WORKERS + " competing workers");
            if (!allApplied.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new ExampleFailure("Only " + (ACCOUNTS * EVENTS_PER_ACCOUNT - allApplied.getCount())
                        + " events were applied within " + TIMEOUT_SECONDS + " s");
            }
        }
        if (!errors.isEmpty()) {
            throw new ExampleFailure("A worker failed to read an event: " + errors.get(0), errors.get(0));
        }
        List<Integer> inOrder = new ArrayList<>();
        for (int event = 1; event <= EVENTS_PER_ACCOUNT; event++) {
            inOrder.add(event);
        }
        Set<String> workersUsed = ConcurrentHashMap.newKeySet();
        for (Map.Entry<String, List<Integer>> account : new TreeMap<>(applied).entrySet()) {
            Set<String> workers = appliedBy.get(account.getKey());
            System.out.println(account.getKey() + ": events applied by " + workers + " in order " + account.getValue());
            if (!account.getValue().equals(inOrder)) {
                throw new ExampleFailure(account.getKey() + "'s events were applied as " + account.getValue()
                        + ", not in the order they were sent");
            }
            if (workers.size() != 1) {
                throw new ExampleFailure(account.getKey() + "'s events went to " + workers
                        + "; a group goes to one consumer at a time");
            }
            workersUsed.addAll(workers);
        }
        if (applied.size() != ACCOUNTS) {
            throw new ExampleFailure("Events of " + applied.size() + " accounts were applied, not " + ACCOUNTS);
        }
        System.out.println("Every account's events were applied in order by one worker; " + workersUsed.size()
                + " workers shared the accounts");
    }
}
