package org.ferrymq.journal.crash;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;

/**
 * The broker JVM of the crash test: an embedded broker under load that the test kills with
 * {@code kill -9}, in every way a message is sent and consumed: persistent sends alone and in
 * transactions (every fifth rolled back), consumers in AUTO_ACKNOWLEDGE, in CLIENT_ACKNOWLEDGE
 * (every fourth batch recovered instead of acknowledged) and in transacted sessions (every fourth
 * batch rolled back). Each role logs, in the format {@link CrashHistory} reads, its intent before
 * every call that sends, acknowledges, commits, recovers or rolls back, and the call's return
 * after it, so that the test can tell what was in flight at the kill. The producers and consumers
 * run in the killed JVM, so each line is written with one unbuffered {@code write} before the call
 * is made: the kernel keeps what was written when the process dies.
 *
 * <p>Arguments: broker URL, log directory, run number, {@code load} or {@code drain}. It prints
 * {@code READY} when the load runs, {@code DRAINED n} when a drain is done, and
 * {@code ROLE FAILED} with a stack trace before it stops when a role throws.
 */
public final class CrashLoad {

    static final String QUEUE = "crash";

    private CrashLoad() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path logs = Path.of(args[1]);
        int run = Integer.parseInt(args[2]);
        FerryConnectionFactory factory = new FerryConnectionFactory(url);
        if (args[3].equals("drain")) {
            int drained = drain(factory, new EventLog(logs.resolve("run" + run + "-drain.log")));
            System.out.println("DRAINED " + drained);
            System.exit(0);
        }
        List<Thread> roles = new ArrayList<>();
        roles.add(role(logs, run, "sync-producer", log -> syncProducer(factory, run, log)));
        roles.add(role(logs, run, "tx-producer", log -> transactedProducer(factory, run, log)));
        roles.add(role(logs, run, "auto-ack-consumer", log -> autoAckConsumer(factory, log)));
        roles.add(role(logs, run, "client-ack-consumer", log -> clientAckConsumer(factory, log)));
        roles.add(role(logs, run, "tx-consumer", log -> transactedConsumer(factory, log)));
        // connect first, so READY means the broker has recovered and the load is running
        try (Connection probe = factory.createConnection()) {
            probe.start();
        }
        roles.forEach(Thread::start);
        System.out.println("READY");
        System.out.flush();
        for (Thread t : roles) {
            t.join();
        }
    }

    private interface Role {
        void run(EventLog log) throws Exception;
    }

    /**
     * A role that throws stops the JVM at once (exit code 2) after printing {@code ROLE FAILED}
     * and its stack trace: the test must not go on killing a load that lost a role.
     */
    private static Thread role(Path logs, int run, String name, Role role) throws IOException {
        EventLog log = new EventLog(logs.resolve("run" + run + "-" + name + ".log"));
        return new Thread(() -> {
            try {
                role.run(log);
            } catch (Throwable e) {
                synchronized (System.out) {
                    System.out.println("ROLE FAILED " + name);
                    e.printStackTrace(System.out);
                    System.out.flush();
                }
                Runtime.getRuntime().halt(2);
            }
        }, name);
    }

    private static void syncProducer(FerryConnectionFactory factory, int run, EventLog log) throws Exception {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; ; i++) {
                String cid = "r" + run + "-s-" + i;
                Message m = s.createTextMessage(cid);
                m.setStringProperty("cid", cid);
                log.write("SEND " + cid);
                producer.send(m);
                log.write("SENT " + cid);
            }
        }
    }

    private static void transactedProducer(FerryConnectionFactory factory, int run, EventLog log) throws Exception {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int tx = 0; ; tx++) {
                List<String> cids = new ArrayList<>(10);
                for (int i = 0; i < 10; i++) {
                    String cid = "r" + run + "-t-" + tx + "-" + i;
                    Message m = s.createTextMessage(cid);
                    m.setStringProperty("cid", cid);
                    producer.send(m);
                    cids.add(cid);
                }
                if (tx % 5 == 4) {
                    log.write("ROLLBACK-SENDS " + tx + " " + String.join(" ", cids));
                    s.rollback();
                    log.write("ROLLED-BACK " + tx);
                } else {
                    log.write("COMMIT-SENDS " + tx + " " + String.join(" ", cids));
                    s.commit();
                    log.write("COMMITTED " + tx);
                }
            }
        }
    }

    /** A receive acknowledges; FerryMQ may write those acknowledgements in batches. */
    private static void autoAckConsumer(FerryConnectionFactory factory, EventLog log) throws Exception {
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            while (true) {
                Message m = consumer.receive(1000);
                if (m != null) {
                    received(m, log, "auto");
                }
            }
        }
    }

    private static void clientAckConsumer(FerryConnectionFactory factory, EventLog log) throws Exception {
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            List<String> unacked = new ArrayList<>();
            for (int batch = 0; ; ) {
                Message m = consumer.receive(1000);
                if (m == null) {
                    continue;
                }
                unacked.add(received(m, log, "client"));
                if (unacked.size() == 5) {
                    if (batch % 4 == 3) {
                        log.write("RECOVER " + batch + " " + String.join(" ", unacked));
                        s.recover();
                        log.write("RECOVERED " + batch);
                    } else {
                        log.write("ACK " + batch + " " + String.join(" ", unacked));
                        m.acknowledge();
                        log.write("ACKED " + batch);
                    }
                    unacked.clear();
                    batch++;
                }
            }
        }
    }

    private static void transactedConsumer(FerryConnectionFactory factory, EventLog log) throws Exception {
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            List<String> uncommitted = new ArrayList<>();
            for (int batch = 0; ; ) {
                Message m = consumer.receive(1000);
                if (m == null) {
                    continue;
                }
                uncommitted.add(received(m, log, "transacted"));
                if (uncommitted.size() == 7) {
                    if (batch % 4 == 3) {
                        log.write("ROLLBACK-RECEIPTS " + batch + " " + String.join(" ", uncommitted));
                        s.rollback();
                        log.write("ROLLED-BACK " + batch);
                    } else {
                        log.write("COMMIT-RECEIPTS " + batch + " " + String.join(" ", uncommitted));
                        s.commit();
                        log.write("COMMITTED " + batch);
                    }
                    uncommitted.clear();
                    batch++;
                }
            }
        }
    }

    /** Receives everything left, acknowledging each message, until the queue stays empty for 3 s. */
    private static int drain(FerryConnectionFactory factory, EventLog log) throws Exception {
        int count = 0;
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue queue = s.createQueue(QUEUE);
            MessageConsumer consumer = s.createConsumer(queue);
            for (Message m; (m = consumer.receive(3000)) != null; count++) {
                String cid = received(m, log, "client");
                log.write("ACK " + count + " " + cid);
                m.acknowledge();
                log.write("ACKED " + count);
            }
        }
        return count;
    }

    private static String received(Message m, EventLog log, String mode) throws JMSException, IOException {
        String cid = m.getStringProperty("cid");
        log.write("RECEIVED " + cid + " " + m.getJMSRedelivered() + " " + m.getIntProperty("JMSXDeliveryCount") + " "
                + mode);
        return cid;
    }

    /** One line per event, written unbuffered in a single call: a kill -9 never loses a finished line. */
    static final class EventLog {
        private final FileOutputStream out;

        EventLog(Path file) throws IOException {
            out = new FileOutputStream(file.toFile(), true);
        }

        synchronized void write(String event) throws IOException {
            out.write((System.nanoTime() + " " + event + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
