package org.ferrymq.benchmarks;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;

/**
 * What a deep queue of messages no consumer wants costs the traffic that is wanted. One queue
 * holds a backlog of messages (property {@code kind = 'other'}) that no consumer's selector
 * matches; beside it a consumer whose selector matches none of anything ({@code kind = 'never'})
 * and a consumer of {@code kind = 'wanted'}, which one producer sends. The figure is the rate
 * at which the wanted messages are sent and received, with the backlog and without it.
 *
 * <p>FerryMQ only, embedded, journal in memory, NON_PERSISTENT 1 KiB BytesMessages, so the
 * figure is the broker's dispatch and not a database. Settings are system properties
 * ({@code selectorbench.*}, see benchmarks/README.md).
 */
public final class SelectorDispatchBenchmark {

    private static final String BROKER = "selectorbench";
    private static final String QUEUE = "bench.selector";
    /** How far the producer may run ahead of the consumer, so the wanted traffic never becomes a backlog of its own. */
    private static final int WINDOW = 1000;

    // Keep these defaults in step with the selectorbench.* properties of benchmarks/pom.xml.
    private final int backlog = setting("selectorbench.backlog", 100_000, 0);
    private final int warmupSeconds = setting("selectorbench.warmup.seconds", 5, 0);
    private final int seconds = setting("selectorbench.seconds", 10, 1);
    private final int trials = setting("selectorbench.trials", 3, 1);
    private final byte[] body = new byte[setting("selectorbench.body.bytes", 1024, 0)];

    private SelectorDispatchBenchmark() {
        new Random(42).nextBytes(body);
    }

    public static void main(String[] args) {
        SelectorDispatchBenchmark benchmark;
        try {
            benchmark = new SelectorDispatchBenchmark();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            RunEnvironment.print();
            benchmark.run();
        } catch (Exception e) {
            RunEnvironment.exitFailed(e);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.println("== Parameters");
        System.out.printf("queue       '%s' on an embedded FerryMQ broker, journal in memory%n", QUEUE);
        System.out.printf("messages    NON_PERSISTENT %,d-byte BytesMessages, AUTO_ACKNOWLEDGE%n", body.length);
        System.out.printf("backlog     %,d messages with kind = 'other', matched by no consumer%n", backlog);
        System.out.println("consumers   one with selector kind = 'never' (matches nothing), one with kind = 'wanted'");
        System.out.printf("traffic     one producer of kind = 'wanted', at most %,d ahead of its consumer%n", WINDOW);
        System.out.printf("trials      %d s warm-up, then %d x %d s, per scenario; median shown%n", warmupSeconds,
                trials, seconds);
        System.out.println();
        double clean = scenario("no backlog", 0);
        double deep = scenario(String.format("%,d unmatched", backlog), backlog);
        System.out.println();
        System.out.println("== Wanted traffic (msg/s, sent and received)");
        System.out.printf("%-22s %,12.0f%n", "no backlog", clean);
        System.out.printf("%-22s %,12.0f%n", String.format("%,d unmatched", backlog), deep);
        System.out.printf("%nwith the backlog / without: %.4f (%,.0f times slower)%n", deep / clean, clean / deep);
    }

    /** The median rate of the wanted traffic on a fresh broker whose queue holds {@code unmatched} messages. */
    private double scenario(String name, int unmatched) throws Exception {
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + BROKER + "?journal=memory");
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            long started = System.nanoTime();
            for (int i = 0; i < unmatched; i++) {
                producer.send(message(session, "other"));
            }
            if (unmatched > 0) {
                System.out.printf("%-22s backlog sent in %.1f s%n", name, (System.nanoTime() - started) / 1e9);
            }
            // the consumer nothing matches sits beside the wanted traffic, with its credit open
            session.createConsumer(session.createQueue(QUEUE), "kind = 'never'");
            connection.start();
            System.gc();
            rate(factory, warmupSeconds);
            List<Double> rates = new ArrayList<>();
            for (int i = 1; i <= trials; i++) {
                double rate = rate(factory, seconds);
                System.out.printf("%-22s trial %d/%d  %,10.0f msg/s%n", name, i, trials, rate);
                rates.add(rate);
            }
            Collections.sort(rates);
            return rates.get(rates.size() / 2);
        } finally {
            EmbeddedBroker.stop(BROKER);
        }
    }

    /** Wanted messages sent and received for {@code duration} seconds: received per second. */
    private double rate(FerryConnectionFactory factory, int duration) throws Exception {
        Semaphore window = new Semaphore(WINDOW);
        AtomicLong received = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
        ExecutorService threads = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "selector-bench");
            thread.setDaemon(true);
            return thread;
        });
        try (Connection consuming = factory.createConnection(); Connection producing = factory.createConnection()) {
            Session consumerSession = consuming.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = consumerSession.createConsumer(consumerSession.createQueue(QUEUE),
                    "kind = 'wanted'");
            consuming.start();
            Session producerSession = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producerSession.createProducer(producerSession.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            long start = System.nanoTime();
            Future<?> sending = threads.submit(() -> {
                while (System.nanoTime() < end) {
                    if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        producer.send(message(producerSession, "wanted"));
                    }
                }
                return null;
            });
            Future<?> receiving = threads.submit(() -> {
                while (System.nanoTime() < end) {
                    Message m = consumer.receive(100);
                    if (m != null) {
                        received.incrementAndGet();
                        window.release();
                    }
                }
                return null;
            });
            sending.get(duration + 60, TimeUnit.SECONDS);
            receiving.get(duration + 60, TimeUnit.SECONDS);
            double rate = received.get() / ((System.nanoTime() - start) / 1e9);
            drain(consumer); // what the producer sent last, so the next trial starts from the same queue
            return rate;
        } finally {
            threads.shutdownNow();
        }
    }

    private static void drain(MessageConsumer consumer) throws JMSException {
        while (consumer.receive(200) != null) {
            // discarded
        }
    }

    private BytesMessage message(Session session, String kind) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.setStringProperty("kind", kind);
        message.writeBytes(body);
        return message;
    }

    private static int setting(String property, int defaultValue, int min) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim().replace("_", ""));
            if (parsed >= min) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + property + " is '" + value + "'; use a whole number, " + min
                + " or more");
    }
}
