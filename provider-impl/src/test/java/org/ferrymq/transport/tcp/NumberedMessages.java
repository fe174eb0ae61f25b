package org.ferrymq.transport.tcp;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A well-behaved client on the fuzzed server: it sends persistent messages numbered 0, 1, 2,
 * ... to a queue of its own and receives each back before sending the next, until stopped.
 * Any loss, duplicate, reordering, redelivery or failure of its connection is recorded as
 * the failure that {@link #check} reports.
 */
final class NumberedMessages implements AutoCloseable {

    static final String QUEUE = "numbered";

    private final Connection connection;
    private final Thread worker;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean stopping;

    NumberedMessages(Connection connection) {
        this.connection = connection;
        this.worker = new Thread(this::run, "numbered-messages");
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        try {
            connection.setExceptionListener(e -> failure.compareAndSet(null, "the connection failed: " + e));
            connection.start();
            Session sending = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Session receiving = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue queue = sending.createQueue(QUEUE);
            MessageProducer producer = sending.createProducer(queue);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            MessageConsumer consumer = receiving.createConsumer(queue);
            for (int n = 0; !stopping; n++) {
                producer.send(sending.createTextMessage("message " + n));
                Message m = consumer.receive(30_000);
                String expected = "message " + n;
                if (m == null) {
                    failure.compareAndSet(null, expected + " was sent and not received within 30 s");
                    return;
                }
                String text = ((TextMessage) m).getText();
                if (!expected.equals(text) || m.getJMSRedelivered()) {
                    failure.compareAndSet(null, "expected " + expected + ", received " + text
                            + (m.getJMSRedelivered() ? " (redelivered)" : ""));
                    return;
                }
                received.incrementAndGet();
            }
        } catch (Exception e) {
            failure.compareAndSet(null, "failed after " + received.get() + " messages: " + e);
            System.out.println("The well-behaved client failed (" + e + "); the broker's threads:\n" + brokerThreads());
        }
    }

    /** Where the broker's threads are (the journal's, the command threads'), to tell a stall from a slow machine. */
    private static String brokerThreads() {
        StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("ferrymq-")) {
                dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
                for (int i = 0; i < Math.min(stack.length, 12); i++) {
                    dump.append("    at ").append(stack[i]).append('\n');
                }
            }
        });
        return dump.toString();
    }

    /** How many arrived, in order and once each, so far. */
    int received() {
        return received.get();
    }

    /** The first thing that went wrong, or null. */
    String failure() {
        return failure.get();
    }

    /** Stops it; answers null when every message came back once and in order, else what went wrong. */
    String check() throws InterruptedException {
        stopping = true;
        worker.join(TimeUnit.SECONDS.toMillis(60));
        if (worker.isAlive()) {
            return "the well-behaved client is stuck after " + received.get() + " messages";
        }
        return failure.get();
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        worker.join(TimeUnit.SECONDS.toMillis(60));
        connection.close();
    }
}
