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
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One timed transfer through one queue: a consumer thread is already receiving when a
 * producer thread sends {@code messages} non-persistent BytesMessages; each thread has its
 * own connection and an AUTO_ACKNOWLEDGE session. The clock runs from just before the first
 * send to just after the last receive, so connection setup and teardown are not measured.
 */
final class ProducerConsumerTrial {

    /** How long the consumer waits for any one message before declaring the trial broken. */
    private static final long RECEIVE_TIMEOUT_MILLIS = 30_000;

    private final ConnectionFactory factory;
    private final String queueName;
    private final int messages;
    private final byte[] body;

    ProducerConsumerTrial(ConnectionFactory factory, String queueName, int messages, byte[] body) {
        this.factory = factory;
        this.queueName = queueName;
        this.messages = messages;
        this.body = body.clone();
    }

    /**
     * When, by {@link System#nanoTime()}, the first send began, the last send returned and the
     * last message was received. The trial's figure is {@code lastReceive - firstSend}.
     */
    record Timing(long firstSend, long lastSend, long lastReceive) {

        long elapsedNanos() {
            return lastReceive - firstSend;
        }

        long sendingNanos() {
            return lastSend - firstSend;
        }
    }

    /** Runs the trial; the clock runs from the first send to the last receive. */
    Timing run() throws Exception {
        CountDownLatch consumerReady = new CountDownLatch(1);
        CountDownLatch consumerDone = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "bench-client");
            thread.setDaemon(true); // a provider that hangs must not keep the JVM alive
            return thread;
        });
        try {
            Future<Long> lastReceive = threads.submit(() -> consume(consumerReady, consumerDone));
            Future<long[]> sending = threads.submit(() -> produce(consumerReady, consumerDone));
            long end;
            try {
                end = await(lastReceive);
            } catch (Exception consumerFailure) {
                if (sending.isDone()) {
                    await(sending); // a failed send is the cause of the consumer's wait: report that
                }
                throw consumerFailure;
            }
            long[] sendTimes = await(sending);
            return new Timing(sendTimes[0], sendTimes[1], end);
        } finally {
            threads.shutdownNow();
        }
    }

    private long consume(CountDownLatch ready, CountDownLatch done) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queueName));
            connection.start();
            ready.countDown();
            byte[] buffer = new byte[body.length + 1];
            for (int received = 0; received < messages; received++) {
                Message message = consumer.receive(RECEIVE_TIMEOUT_MILLIS);
                if (message == null) {
                    throw new IllegalStateException("Queue '" + queueName + "' delivered " + received + " of "
                            + messages + " messages, then none for " + RECEIVE_TIMEOUT_MILLIS / 1000 + " s");
                }
                // Read the body as an application would, and check that it arrived whole.
                int length = ((BytesMessage) message).readBytes(buffer);
                if (length != body.length && !(body.length == 0 && length == -1)) {
                    throw new IllegalStateException("Message " + received + " on queue '" + queueName + "' has a "
                            + length + "-byte body; " + body.length + " bytes were sent");
                }
                if (received == 0 && !Arrays.equals(buffer, 0, body.length, body, 0, body.length)) {
                    throw new IllegalStateException("The first message on queue '" + queueName
                            + "' has a different body from the one sent");
                }
            }
            return System.nanoTime();
        } finally {
            done.countDown();
        }
    }

    /** Sends the messages and returns the times of the first send and of the last send's return. */
    private long[] produce(CountDownLatch consumerReady, CountDownLatch consumerDone) throws Exception {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queueName));
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            if (!consumerReady.await(RECEIVE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("The consumer of queue '" + queueName + "' did not start within "
                        + RECEIVE_TIMEOUT_MILLIS / 1000 + " s");
            }
            long start = System.nanoTime();
            for (int sent = 0; sent < messages; sent++) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(body);
                producer.send(message);
            }
            long end = System.nanoTime();
            // Keep the connection open until the consumer has everything: closing it is not part of the trial.
            consumerDone.await();
            return new long[] {start, end};
        }
    }

    private <T> T await(Future<T> result) throws Exception {
        long bound = RECEIVE_TIMEOUT_MILLIS + messages; // a millisecond a message is far slower than any working broker
        try {
            return result.get(bound, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("A trial of " + messages + " messages on queue '" + queueName
                    + "' did not finish within " + bound / 1000 + " s", e);
        }
    }
}
