package org.ferrymq.benchmarks;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The persistent-messaging workloads, written against the plain {@code jakarta.jms} API so that
 * one piece of code measures every provider. Every message is a PERSISTENT BytesMessage with the
 * same body; every consumer reads each body, in a transacted session that commits every
 * {@code batch} messages, or in an AUTO_ACKNOWLEDGE session. Connections, sessions, producers
 * and consumers are made before a clock starts and (but for the AUTO_ACKNOWLEDGE drain) closed
 * after it stops.
 */
final class PersistentWorkloads {

    /** The int property that numbers the messages of a backlog, so that draining can check that none is lost or doubled. */
    static final String SEQUENCE = "jdbcbenchSequence";

    /** How long a consumer waits for any one message of a running broker before declaring the run broken. */
    private static final long RECEIVE_TIMEOUT_MILLIS = 30_000;

    /** How long a restarted broker may take to deliver the first message of its backlog. */
    private static final long RECOVERY_TIMEOUT_MILLIS = 600_000;

    /** Messages over time; the rate is what the table shows. */
    record Throughput(long messages, long nanos) {

        double seconds() {
            return nanos / 1e9;
        }

        double rate() {
            return messages / seconds();
        }
    }

    private final ConnectionFactory factory;
    private final byte[] body;
    private final int batch;

    PersistentWorkloads(ConnectionFactory factory, byte[] body, int batch) {
        this.factory = factory;
        this.body = body.clone();
        this.batch = batch;
    }

    /**
     * Producer threads, each with its own connection, send to {@code queue} until {@code seconds}
     * have passed: one message per send outside a transaction when {@code transactional} is false,
     * else transactions of {@code batch} messages. The clock runs from the common start to the
     * return of the last send or commit; only committed messages count.
     */
    Throughput timedSends(String queue, int producers, double seconds, boolean transactional) throws Exception {
        CountDownLatch ready = new CountDownLatch(producers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong deadline = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(producers, PersistentWorkloads::clientThread);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                results.add(threads.submit(() -> {
                    try (Connection connection = factory.createConnection()) {
                        Session session = connection.createSession(transactional, transactional
                                ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
                        MessageProducer producer = persistentProducer(session, queue);
                        ready.countDown();
                        go.await();
                        long sent = 0;
                        long now = System.nanoTime();
                        while (now < deadline.get()) {
                            if (transactional) {
                                for (int m = 0; m < batch; m++) {
                                    producer.send(message(session));
                                }
                                session.commit();
                                sent += batch;
                            } else {
                                producer.send(message(session));
                                sent++;
                            }
                            now = System.nanoTime();
                        }
                        return new long[] {sent, now};
                    }
                }));
            }
            if (!ready.await(RECEIVE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                for (Future<long[]> result : results) {
                    if (result.isDone()) {
                        await(result, 0, "Connecting a producer"); // a failed connection is the cause: report it
                    }
                }
                throw new IllegalStateException(producers + " producers for queue '" + queue
                        + "' were not connected within " + RECEIVE_TIMEOUT_MILLIS / 1000 + " s");
            }
            long start = System.nanoTime();
            deadline.set(start + (long) (seconds * 1e9));
            go.countDown();
            long sent = 0;
            long end = start;
            long bound = (long) (seconds * 1000) + RECEIVE_TIMEOUT_MILLIS;
            for (Future<long[]> result : results) {
                long[] producer = await(result, bound, "Sending to queue '" + queue + "'");
                sent += producer[0];
                end = Math.max(end, producer[1]);
            }
            return new Throughput(sent, end - start);
        } finally {
            threads.shutdownNow();
        }
    }

    /** Sends {@code messages} messages one by one outside a transaction and times each send. */
    LatencySamples sendLatencies(String queue, int messages) throws JMSException {
        LatencySamples latencies = new LatencySamples();
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = persistentProducer(session, queue);
            for (int i = 0; i < messages; i++) {
                Message message = message(session);
                long started = System.nanoTime();
                producer.send(message);
                latencies.add(System.nanoTime() - started);
            }
        }
        return latencies;
    }

    /** Sends a backlog of {@code messages} messages, numbered from 0 in {@link #SEQUENCE}, in transactions of {@code batch}. */
    Throughput fillBacklog(String queue, int messages) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = persistentProducer(session, queue);
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                Message message = message(session);
                message.setIntProperty(SEQUENCE, i);
                producer.send(message);
                if ((i + 1) % batch == 0 || i + 1 == messages) {
                    session.commit();
                }
            }
            return new Throughput(messages, System.nanoTime() - start);
        }
    }

    /**
     * Receives exactly {@code messages} messages from {@code queue} with one consumer, committing
     * every {@code batch}. The clock runs from starting the connection to the last commit. With
     * {@code numbered}, the messages must be those of {@link #fillBacklog}, each exactly once.
     */
    Throughput drain(String queue, int messages, boolean numbered) throws JMSException {
        return drain(queue, messages, numbered, Session.SESSION_TRANSACTED);
    }

    /**
     * Like {@link #drain(String, int, boolean)}, in an AUTO_ACKNOWLEDGE session: each receive
     * acknowledges its message. The clock runs from starting the connection until closing it
     * after the last receive has returned, so that acknowledgements a provider still has in
     * flight at the end are settled within the time (FerryMQ's close waits for them).
     */
    Throughput drainAutoAcknowledge(String queue, int messages, boolean numbered) throws JMSException {
        return drain(queue, messages, numbered, Session.AUTO_ACKNOWLEDGE);
    }

    private Throughput drain(String queue, int messages, boolean numbered, int sessionMode) throws JMSException {
        boolean transacted = sessionMode == Session.SESSION_TRANSACTED;
        BitSet seen = new BitSet(numbered ? messages : 0);
        long start;
        long end;
        Connection connection = factory.createConnection();
        try {
            Session session = connection.createSession(transacted, sessionMode);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            byte[] buffer = new byte[body.length + 1];
            start = System.nanoTime();
            connection.start();
            for (int received = 0; received < messages; received++) {
                Message message = consumer.receive(RECEIVE_TIMEOUT_MILLIS);
                if (message == null) {
                    throw new IllegalStateException("Queue '" + queue + "' delivered " + received + " of " + messages
                            + " messages, then none for " + RECEIVE_TIMEOUT_MILLIS / 1000 + " s");
                }
                checkBody(queue, message, buffer);
                if (numbered) {
                    int sequence = sequenceOf(queue, message);
                    if (sequence >= messages || seen.get(sequence)) {
                        throw new IllegalStateException("Queue '" + queue + "' delivered message " + sequence
                                + (sequence >= messages ? ", beyond the " + messages + " sent" : " twice"));
                    }
                    seen.set(sequence);
                }
                if (transacted && ((received + 1) % batch == 0 || received + 1 == messages)) {
                    session.commit();
                }
            }
            end = System.nanoTime();
        } catch (JMSException | RuntimeException e) {
            closeAfterFailure(connection, e);
            throw e;
        }
        connection.close();
        if (!transacted) {
            end = System.nanoTime(); // the acknowledgements are settled by now
        }
        return new Throughput(messages, end - start);
    }

    private static void closeAfterFailure(Connection connection, Exception failure) {
        try {
            connection.close();
        } catch (JMSException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Waits for the first message of a backlog on a broker that is starting, and rolls the
     * receive back so that the backlog stays whole. Returns the {@link System#nanoTime()} at
     * which the message arrived; closing the connection is not part of it.
     */
    long receiveFirstOfBacklog(String queue) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            connection.start();
            Message message = consumer.receive(RECOVERY_TIMEOUT_MILLIS);
            long received = System.nanoTime();
            if (message == null) {
                throw new IllegalStateException("After the restart, queue '" + queue + "' delivered no message within "
                        + RECOVERY_TIMEOUT_MILLIS / 1000 + " s; its backlog was not recovered");
            }
            checkBody(queue, message, new byte[body.length + 1]);
            sequenceOf(queue, message);
            session.rollback();
            return received;
        }
    }

    private MessageProducer persistentProducer(Session session, String queue) throws JMSException {
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        return producer;
    }

    private BytesMessage message(Session session) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(body);
        return message;
    }

    /** Reads the body as an application would, and checks that it arrived whole. */
    private void checkBody(String queue, Message message, byte[] buffer) throws JMSException {
        int length = ((BytesMessage) message).readBytes(buffer);
        if (length != body.length && !(body.length == 0 && length == -1)) {
            throw new IllegalStateException("A message on queue '" + queue + "' has a " + length + "-byte body; "
                    + body.length + " bytes were sent");
        }
    }

    private static int sequenceOf(String queue, Message message) throws JMSException {
        if (!message.propertyExists(SEQUENCE)) {
            throw new IllegalStateException("Queue '" + queue + "' delivered a message without the property "
                    + SEQUENCE + "; it holds messages that are not the benchmark's backlog");
        }
        return message.getIntProperty(SEQUENCE);
    }

    private static Thread clientThread(Runnable task) {
        Thread thread = new Thread(task, "jdbcbench-client");
        thread.setDaemon(true); // a provider that hangs must not keep the JVM alive
        return thread;
    }

    private static <T> T await(Future<T> result, long boundMillis, String what) throws Exception {
        try {
            return result.get(boundMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + boundMillis / 1000 + " s", e);
        }
    }
}
