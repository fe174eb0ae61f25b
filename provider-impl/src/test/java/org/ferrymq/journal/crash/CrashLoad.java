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
 * {@code kill -9}. Every action that returned is logged at once, one line per event, with an
 * unbuffered write, so a kill never loses the record of something that succeeded:
 * {@code SENT}, {@code RECEIVED} (with JMSRedelivered and JMSXDeliveryCount) and {@code ACKED},
 * each with the message's {@code cid} and a timestamp for ordering within the run.
 *
 * <p>Arguments: broker URL, log directory, run number, {@code load} or {@code drain}.
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
        roles.add(role("sync-producer", () -> syncProducer(factory, run, new EventLog(logs.resolve("run" + run
                + "-sync-producer.log")))));
        roles.add(role("tx-producer", () -> transactedProducer(factory, run, new EventLog(logs.resolve("run" + run
                + "-tx-producer.log")))));
        roles.add(role("client-ack-consumer", () -> clientAckConsumer(factory, new EventLog(logs.resolve("run" + run
                + "-client-ack-consumer.log")))));
        roles.add(role("tx-consumer", () -> transactedConsumer(factory, new EventLog(logs.resolve("run" + run
                + "-tx-consumer.log")))));
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
        void run() throws Exception;
    }

    private static Thread role(String name, Role role) {
        return new Thread(() -> {
            try {
                role.run();
            } catch (Exception e) {
                System.out.println(name + " stopped: " + e);
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
                s.commit();
                for (String cid : cids) {
                    log.write("SENT " + cid);
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
            while (true) {
                Message m = consumer.receive(1000);
                if (m == null) {
                    continue;
                }
                unacked.add(received(m, log));
                if (unacked.size() == 5) {
                    m.acknowledge();
                    for (String cid : unacked) {
                        log.write("ACKED " + cid);
                    }
                    unacked.clear();
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
            while (true) {
                Message m = consumer.receive(1000);
                if (m == null) {
                    continue;
                }
                uncommitted.add(received(m, log));
                if (uncommitted.size() == 7) {
                    s.commit();
                    for (String cid : uncommitted) {
                        log.write("ACKED " + cid);
                    }
                    uncommitted.clear();
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
                String cid = received(m, log);
                m.acknowledge();
                log.write("ACKED " + cid);
            }
        }
        return count;
    }

    private static String received(Message m, EventLog log) throws JMSException, IOException {
        String cid = m.getStringProperty("cid");
        log.write("RECEIVED " + cid + " " + m.getJMSRedelivered() + " " + m.getIntProperty("JMSXDeliveryCount"));
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
