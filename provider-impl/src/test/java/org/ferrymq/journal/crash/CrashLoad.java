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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ferrymq.api.ConnectionStateListener;
import org.ferrymq.api.ObservableConnection;
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
 * <p>Over TCP ({@link TcpCrashRecoveryIT}) the broker runs in a JVM of its own and the load in two
 * client JVMs that outlive every broker kill: {@code producers} runs the two producing roles,
 * {@code consumers} the three consuming ones, each on a connection of its own to a failover URL.
 * There a call that throws (the broker died under it) is logged {@code FAILED id Exception} and
 * the role goes on with its next batch; only a role whose calls keep failing for
 * {@value #GIVE_UP_SECONDS} s, or a connection whose ExceptionListener is called (its reconnection
 * gave up), stops the JVM.
 *
 * <p>Arguments: broker URL, log directory, run number, {@code load}, {@code producers},
 * {@code consumers} or {@code drain}. It prints {@code READY} when the load runs,
 * {@code DRAINED n} when a drain is done, {@code CALL FAILED} for each call that threw and was
 * survived, and {@code ROLE FAILED} with a stack trace before it stops when a role throws.
 */
public final class CrashLoad {

    static final String QUEUE = "crash";

    /** How long a role that survives failures may go without a call that returns before it gives up. */
    static final int GIVE_UP_SECONDS = 120;

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
        String mode = args[3];
        boolean survive = !mode.equals("load");
        if (!List.of("load", "producers", "consumers").contains(mode)) {
            throw new IllegalArgumentException("mode '" + mode + "': use load, producers, consumers or drain");
        }
        List<Thread> roles = new ArrayList<>();
        if (!mode.equals("consumers")) {
            roles.add(role(logs, run, "sync-producer", survive, calls -> syncProducer(factory, run, calls)));
            roles.add(role(logs, run, "tx-producer", survive, calls -> transactedProducer(factory, run, calls)));
        }
        if (!mode.equals("producers")) {
            roles.add(role(logs, run, "auto-ack-consumer", survive, calls -> autoAckConsumer(factory, calls)));
            roles.add(role(logs, run, "client-ack-consumer", survive, calls -> clientAckConsumer(factory, calls)));
            roles.add(role(logs, run, "tx-consumer", survive, calls -> transactedConsumer(factory, calls)));
        }
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
        void run(Calls calls) throws Exception;
    }

    /**
     * A role that throws stops the JVM at once (exit code 2) after printing {@code ROLE FAILED}
     * and its stack trace: the test must not go on killing a load that lost a role.
     */
    private static Thread role(Path logs, int run, String name, boolean survive, Role role) throws IOException {
        Calls calls = new Calls(name, new EventLog(logs.resolve("run" + run + "-" + name + ".log")), survive);
        return new Thread(() -> {
            try {
                role.run(calls);
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

    private interface JmsCall {
        void run() throws JMSException;
    }

    /**
     * Makes a role's calls and logs their outcomes. In the killed JVM a call that throws ends
     * the role; in a client JVM that outlives broker kills it is logged and survived, unless no
     * call has returned for {@value #GIVE_UP_SECONDS} s.
     */
    private static final class Calls {
        final String role;
        final EventLog log;
        final boolean survive;
        private long lastReturn = System.nanoTime();
        private String lastFailure;

        Calls(String role, EventLog log, boolean survive) {
            this.role = role;
            this.log = log;
            this.survive = survive;
        }

        Connection connect(FerryConnectionFactory factory) throws JMSException {
            Connection c = factory.createConnection();
            if (survive) {
                // the judge gives back what the role received between these two: deliveries of the lost connection
                ((ObservableConnection) c).setConnectionStateListener(new ConnectionStateListener() {
                    private int interruptions;

                    @Override
                    public void interrupted(Exception cause) {
                        write("INTERRUPTED " + ++interruptions);
                    }

                    @Override
                    public void resumed(String serverUrl) {
                        write("RESUMED " + interruptions);
                    }
                });
                // called only when reconnecting gave up: the test cannot go on without this role
                c.setExceptionListener(e -> {
                    synchronized (System.out) {
                        System.out.println("ROLE FAILED " + role + ": its connection's ExceptionListener was called");
                        e.printStackTrace(System.out);
                        System.out.flush();
                    }
                    Runtime.getRuntime().halt(3);
                });
            }
            return c;
        }

        private void write(String event) {
            try {
                log.write(event);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Logs {@code intent}, makes the call, then logs {@code done + " " + id} when it returns or
         * {@code FAILED id Exception} when it throws (and survives); answers whether it returned.
         */
        boolean call(String intent, String id, String done, JmsCall call) throws Exception {
            log.write(intent);
            boolean returned = quietly(intent.substring(0, intent.indexOf(' ')) + " " + id, call);
            log.write(returned ? done + " " + id : "FAILED " + id + " " + lastFailure);
            return returned;
        }

        /** Makes a call with no intent to log (a send inside a transaction, a receive); answers whether it returned. */
        boolean quietly(String what, JmsCall call) throws Exception {
            try {
                call.run();
                lastReturn = System.nanoTime();
                return true;
            } catch (JMSException e) {
                if (!survive || System.nanoTime() - lastReturn > GIVE_UP_SECONDS * 1_000_000_000L) {
                    throw e;
                }
                lastFailure = e.getClass().getSimpleName();
                synchronized (System.out) {
                    System.out.println("CALL FAILED " + role + " " + what + ": " + e);
                    System.out.flush();
                }
                Thread.sleep(50); // a client failing at once while its broker is away must not spin
                return false;
            }
        }

        /** A receive; null when none came in time, or when it threw and was survived. */
        Message receive(MessageConsumer consumer, long timeout) throws Exception {
            Message[] m = new Message[1];
            quietly("receive", () -> m[0] = consumer.receive(timeout));
            return m[0];
        }
    }

    private static void syncProducer(FerryConnectionFactory factory, int run, Calls calls) throws Exception {
        try (Connection c = calls.connect(factory)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; ; i++) {
                String cid = "r" + run + "-s-" + i;
                Message m = s.createTextMessage(cid);
                m.setStringProperty("cid", cid);
                calls.call("SEND " + cid, cid, "SENT", () -> producer.send(m));
            }
        }
    }

    private static void transactedProducer(FerryConnectionFactory factory, int run, Calls calls) throws Exception {
        try (Connection c = calls.connect(factory)) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int tx = 0; ; tx++) {
                List<String> cids = new ArrayList<>(10);
                boolean sent = true;
                for (int i = 0; i < 10 && sent; i++) {
                    String cid = "r" + run + "-t-" + tx + "-" + i;
                    Message m = s.createTextMessage(cid);
                    m.setStringProperty("cid", cid);
                    cids.add(cid);
                    sent = calls.quietly("send " + cid, () -> producer.send(m));
                }
                // a send that failed dooms its transaction: roll back what it holds
                if (!sent || tx % 5 == 4) {
                    calls.call("ROLLBACK-SENDS " + tx + " " + String.join(" ", cids), String.valueOf(tx),
                            "ROLLED-BACK", s::rollback);
                } else {
                    calls.call("COMMIT-SENDS " + tx + " " + String.join(" ", cids), String.valueOf(tx), "COMMITTED",
                            s::commit);
                }
            }
        }
    }

    /** A receive acknowledges; FerryMQ may write those acknowledgements in batches. */
    private static void autoAckConsumer(FerryConnectionFactory factory, Calls calls) throws Exception {
        try (Connection c = calls.connect(factory)) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            while (true) {
                Message m = calls.receive(consumer, 1000);
                if (m != null) {
                    received(m, calls.log, "auto");
                }
            }
        }
    }

    /** After a failed acknowledge or recover, what the session held is the broker's to give again. */
    private static void clientAckConsumer(FerryConnectionFactory factory, Calls calls) throws Exception {
        try (Connection c = calls.connect(factory)) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            List<String> unacked = new ArrayList<>();
            for (int batch = 0; ; ) {
                Message m = calls.receive(consumer, 1000);
                if (m == null) {
                    continue;
                }
                unacked.add(received(m, calls.log, "client"));
                if (unacked.size() == 5) {
                    String cids = String.join(" ", unacked);
                    if (batch % 4 == 3) {
                        calls.call("RECOVER " + batch + " " + cids, String.valueOf(batch), "RECOVERED", s::recover);
                    } else {
                        calls.call("ACK " + batch + " " + cids, String.valueOf(batch), "ACKED", m::acknowledge);
                    }
                    unacked.clear();
                    batch++;
                }
            }
        }
    }

    private static void transactedConsumer(FerryConnectionFactory factory, Calls calls) throws Exception {
        try (Connection c = calls.connect(factory)) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
            List<String> uncommitted = new ArrayList<>();
            for (int batch = 0; ; ) {
                Message m = calls.receive(consumer, 1000);
                if (m == null) {
                    continue;
                }
                uncommitted.add(received(m, calls.log, "transacted"));
                if (uncommitted.size() == 7) {
                    String cids = String.join(" ", uncommitted);
                    if (batch % 4 == 3) {
                        calls.call("ROLLBACK-RECEIPTS " + batch + " " + cids, String.valueOf(batch), "ROLLED-BACK",
                                s::rollback);
                    } else {
                        calls.call("COMMIT-RECEIPTS " + batch + " " + cids, String.valueOf(batch), "COMMITTED",
                                s::commit);
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
