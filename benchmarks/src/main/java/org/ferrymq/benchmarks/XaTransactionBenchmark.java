package org.ferrymq.benchmarks;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.protocol.XidData;
import org.ferrymq.server.EmbeddedBroker;

/**
 * What a two-phase commit costs FerryMQ on a JDBC journal: transactions per second that each
 * send one persistent 1 KiB message, committed three ways, by 1 and by 8 threads, each way on
 * an empty database:
 * <ul>
 * <li>{@code local}: a transacted session's {@code commit()} (one journal write);</li>
 * <li>{@code xa-1pc}: XA start, send, end, {@code commit(onePhase=true)} (one journal write);</li>
 * <li>{@code xa-2pc}: XA start, send, end, {@code prepare}, {@code commit} (two journal
 * writes: the prepared branch, then its commit).</li>
 * </ul>
 * The calls are made directly, as a transaction manager would make them, so the figures are
 * FerryMQ's own, without a transaction manager's log. Databases and durations are the
 * {@code jdbcbench.*} settings of {@link JdbcJournalBenchmark}.
 */
public final class XaTransactionBenchmark {

    private static final int[] THREADS = {1, 8};
    private static final String[] MODES = {"local", "xa-1pc", "xa-2pc"};

    private XaTransactionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        JdbcBenchmarkSettings settings = JdbcBenchmarkSettings.fromSystemProperties(Set.of("ferrymq", "artemis"),
                Set.of("h2", "postgresql"));
        System.out.println("XA transactions: each sends one persistent " + settings.bodyBytes()
                + "-byte message; " + settings.warmupSeconds() + " s warm-up, " + settings.sendSeconds()
                + " s measured per figure");
        for (String key : settings.databases()) {
            DatabaseUnderTest database = key.equals("h2") ? new H2FileDatabase()
                    : new PostgresDatabase(settings.postgresUrl(), settings.postgresUsers(), settings.postgresPassword());
            try {
                database.connect();
            } catch (DatabaseUnderTest.DatabaseUnavailableException e) {
                System.out.println(key + ": skipped, " + e.getMessage());
                continue;
            }
            System.out.println();
            System.out.println(database.description());
            System.out.println(String.format(Locale.ROOT, "%-8s %8s %12s", "mode", "threads", "tx/s"));
            for (String mode : MODES) {
                for (int threads : THREADS) {
                    ScratchDatabase scratch = database.create("xa");
                    try {
                        double rate = measure(EmbeddedFerryMqOnJdbc.brokerUrl(scratch), mode, threads, settings);
                        System.out.println(String.format(Locale.ROOT, "%-8s %8d %12.0f", mode, threads, rate));
                    } finally {
                        EmbeddedBroker.stop("jdbcbench");
                        database.drop(scratch);
                    }
                }
            }
        }
    }

    private static double measure(String url, String mode, int threads, JdbcBenchmarkSettings settings)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean counting = new AtomicBoolean(false);
        AtomicLong committed = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            Thread thread = new Thread(() -> {
                try {
                    run(url, mode, worker, settings.bodyBytes(), running, counting, committed);
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "xa-bench-" + t);
            workers.add(thread);
            thread.start();
        }
        Thread.sleep(settings.warmupSeconds() * 1000L);
        counting.set(true);
        long start = System.nanoTime();
        Thread.sleep(settings.sendSeconds() * 1000L);
        long count = committed.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        running.set(false);
        for (Thread thread : workers) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        return count / seconds;
    }

    private static void run(String url, String mode, int worker, int bodyBytes, AtomicBoolean running,
            AtomicBoolean counting, AtomicLong committed) throws Exception {
        byte[] body = new byte[bodyBytes];
        if (mode.equals("local")) {
            try (Connection connection = new FerryConnectionFactory(url).createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = producer(session);
                while (running.get()) {
                    producer.send(message(session, body));
                    session.commit();
                    count(counting, committed);
                }
            }
            return;
        }
        boolean twoPhase = mode.equals("xa-2pc");
        try (XAConnection connection = new FerryXAConnectionFactory(url).createXAConnection()) {
            XASession session = connection.createXASession();
            XAResource xa = session.getXAResource();
            MessageProducer producer = producer(session);
            for (long n = 0; running.get(); n++) {
                Xid xid = new XidData(0x4642, ByteBuffer.allocate(12).putInt(worker).putLong(n).array(), new byte[] {1});
                xa.start(xid, XAResource.TMNOFLAGS);
                producer.send(message(session, body));
                xa.end(xid, XAResource.TMSUCCESS);
                if (twoPhase) {
                    xa.prepare(xid);
                }
                xa.commit(xid, !twoPhase);
                count(counting, committed);
            }
        }
    }

    private static MessageProducer producer(Session session) throws Exception {
        MessageProducer producer = session.createProducer(session.createQueue("xa-bench"));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        return producer;
    }

    private static BytesMessage message(Session session, byte[] body) throws Exception {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(body);
        return message;
    }

    private static void count(AtomicBoolean counting, AtomicLong committed) {
        if (counting.get()) {
            committed.incrementAndGet();
        }
    }
}
