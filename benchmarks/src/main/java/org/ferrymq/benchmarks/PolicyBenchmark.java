package org.ferrymq.benchmarks;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;

/**
 * What two destination policies of issue 15 cost, FerryMQ alone:
 *
 * <ul>
 *   <li><b>Duplicate detection on synchronous sends.</b> Persistent 1 KiB BytesMessages sent
 *       outside a transaction (each send returns once its journal write is durable) to an H2
 *       file journal, by 1 and by 8 producer threads: without a duplicate ID, and with a new
 *       {@code JMS_FerryMQ_DuplicateID} on every send (whose window row is written in the same
 *       journal transaction). Trials alternate between the two, so drift hits both alike.
 *   <li><b>Redelivery backoff and the messages behind.</b> One consumer in a transacted session
 *       takes non-persistent messages (journal in memory, so the figure is dispatch, not a
 *       database) and commits each; the rate of the good messages is measured with no failing
 *       message on the queue, and with one failing message that it rolls back at every delivery,
 *       under a policy of {@code redeliveryDelay=100}, without a limit of attempts.
 * </ul>
 *
 * Settings are system properties {@code policybench.*} (see benchmarks/README.md).
 */
public final class PolicyBenchmark {

    private static final String DUPLICATE_ID = "JMS_FerryMQ_DuplicateID";

    private final int sends = Integer.getInteger("policybench.sends", 20_000);
    private final int trials = Integer.getInteger("policybench.trials", 3);
    private final int goodMessages = Integer.getInteger("policybench.messages", 100_000);
    private final byte[] body = new byte[1024];

    public static void main(String[] args) {
        try {
            RunEnvironment.print();
            new PolicyBenchmark().run();
        } catch (Exception e) {
            RunEnvironment.exitFailed(e);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.println("== Duplicate detection: synchronous persistent sends to an H2 file journal");
        System.out.printf("%,d sends of 1 KiB per trial, %d trials each, alternating; median msg/s%n", sends, trials);
        for (int threads : new int[] {1, 8}) {
            List<Double> plain = new ArrayList<>();
            List<Double> idsIgnored = new ArrayList<>();
            List<Double> withIds = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                plain.add(sendRate(threads, Sends.NO_ID));
                idsIgnored.add(sendRate(threads, Sends.ID_DETECTION_OFF));
                withIds.add(sendRate(threads, Sends.ID_DETECTED));
            }
            double a = new ThroughputResult("ferrymq", "without IDs", plain).median();
            double off = new ThroughputResult("ferrymq", "IDs, detection off", idsIgnored).median();
            double b = new ThroughputResult("ferrymq", "with IDs", withIds).median();
            System.out.printf("%d producer thread(s): without IDs %,.0f msg/s, with IDs %,.0f msg/s: cost %.1f%%; "
                    + "the same IDs with detection off %,.0f msg/s: detection's own cost %.1f%%%n",
                    threads, a, b, 100 * (a - b) / a, off, 100 * (off - b) / off);
        }

        System.out.println();
        System.out.println("== Redelivery backoff: the good messages behind a failing one (non-persistent, in memory)");
        System.out.printf("%,d good messages per trial, %d trials each; median msg/s of the good ones%n", goodMessages,
                trials);
        List<Double> alone = new ArrayList<>();
        List<Double> behindFailing = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            alone.add(consumeRate(false));
            behindFailing.add(consumeRate(true));
        }
        double a = new ThroughputResult("ferrymq", "no failing message", alone).median();
        double b = new ThroughputResult("ferrymq", "behind a failing one", behindFailing).median();
        System.out.printf("no failing message %,.0f msg/s; behind one rolled back at every delivery (redeliveryDelay "
                + "100 ms) %,.0f msg/s: ratio %.2f%n", a, b, b / a);
    }

    /** What the sends of a trial carry, and whether their queue detects duplicates. */
    private enum Sends {
        /** No duplicate ID. */
        NO_ID,
        /** A new duplicate ID each, on a queue whose policy turns detection off (a window of 0). */
        ID_DETECTION_OFF,
        /** A new duplicate ID each, detected (the default window). */
        ID_DETECTED
    }

    /** Sends {@link #sends} persistent messages from {@code threads} threads; answers the rate. */
    private double sendRate(int threads, Sends kind) throws Exception {
        String name = "policybench-" + UUID.randomUUID();
        Path data = Files.createTempDirectory("policybench");
        BrokerConfig config = new BrokerConfig(name).dataDirectory(data);
        if (kind == Sends.ID_DETECTION_OFF) {
            config.destinationPolicy("bench.duplicates", "duplicateIdWindow", "0");
        }
        boolean duplicateIds = kind != Sends.NO_ID;
        EmbeddedBroker broker = EmbeddedBroker.start(config);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
            List<Connection> connections = new ArrayList<>();
            List<MessageProducer> producers = new ArrayList<>();
            List<Session> sessions = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Connection c = factory.createConnection();
                connections.add(c);
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                sessions.add(s);
                MessageProducer p = s.createProducer(s.createQueue("bench.duplicates"));
                p.setDeliveryMode(DeliveryMode.PERSISTENT);
                producers.add(p);
            }
            int each = sends / threads;
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Session s = sessions.get(i);
                MessageProducer p = producers.get(i);
                int thread = i;
                running.add(pool.submit(() -> {
                    for (int n = 0; n < each; n++) {
                        BytesMessage m = s.createBytesMessage();
                        m.writeBytes(body);
                        if (duplicateIds) {
                            m.setStringProperty(DUPLICATE_ID, thread + ":" + n);
                        }
                        p.send(m);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (Connection c : connections) {
                c.close();
            }
            return each * threads / seconds;
        } finally {
            pool.shutdownNow();
            broker.close();
            EmbeddedArtemis.deleteRecursively(data);
        }
    }

    /** Consumes {@link #goodMessages} good ones, behind a failing one or not; answers their rate. */
    private double consumeRate(boolean failing) throws Exception {
        String name = "policybench-" + UUID.randomUUID();
        EmbeddedBroker broker = EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().maxDeliveryAttempts(0)
                .destinationPolicy("bench.#", "redeliveryDelay", "100"));
        try (Connection c = new FerryConnectionFactory("vm://" + name).createConnection()) {
            Session sender = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = sender.createProducer(sender.createQueue("bench.redelivery"));
            p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            if (failing) {
                BytesMessage poison = sender.createBytesMessage();
                poison.setBooleanProperty("fails", true);
                p.send(poison);
            }
            for (int n = 0; n < goodMessages; n++) {
                BytesMessage m = sender.createBytesMessage();
                m.writeBytes(body);
                p.send(m);
            }
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue("bench.redelivery"));
            int good = 0;
            long start = System.nanoTime();
            while (good < goodMessages) {
                Message m = consumer.receive(10_000);
                if (m == null) {
                    throw new IllegalStateException("only " + good + " good messages arrived");
                }
                if (m.propertyExists("fails")) {
                    s.rollback();
                } else {
                    good++;
                    s.commit();
                }
            }
            return goodMessages / ((System.nanoTime() - start) / 1e9);
        } finally {
            broker.close();
        }
    }
}
