package org.ferrymq.ra;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.SecurityException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.protocol.XidData;
import org.ferrymq.security.PasswordHash;
import org.ferrymq.security.UsersFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter's own connections, a message-driven bean's and the transaction manager's recovery,
 * on an embedded broker that requires credentials (its users in a users file): they log in
 * with the activation's {@code user} and {@code password}, else the adapter's {@code UserName}
 * and {@code Password}. A refused login names the bean, its destination and the properties to
 * set, and the activation keeps trying until the broker lets it in. No password shows in a log
 * line, an exception message or a {@code toString}.
 */
class BrokerRequiringCredentialsTest {

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final String SENDER_PASSWORD = "sender-Pa55word";
    private static final String MDB_PASSWORD = "mdb-Pa55word-7f3a";
    private static final String RECOVERY_PASSWORD = "recovery-Pa55word-91c2";

    @TempDir
    Path dir;

    private final String name = "ra-credentials-test-" + UUID.randomUUID();
    private final String queue = "orders-" + UUID.randomUUID();
    private final FerryResourceAdapter adapter = new FerryResourceAdapter();
    private final RecordingBean bean = new RecordingBean("OrdersBean-" + UUID.randomUUID());
    private final FerryActivationSpec spec = new FerryActivationSpec();
    private Path usersFile;
    private boolean activated;

    private final Logger ferrymqLog = Logger.getLogger("org.ferrymq");
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previousLevel;

    @BeforeEach
    void configure() throws Exception {
        usersFile = dir.resolve("users.properties");
        writeUsers("sender", SENDER_PASSWORD, "recovery", RECOVERY_PASSWORD, "mdb", MDB_PASSWORD);
        adapter.setBrokerName(name);
        adapter.setBrokerProperties("journal=memory;usersFile=" + usersFile);
        spec.setDestination(queue);
        spec.setDestinationType(FerryActivationSpec.QUEUE);
        spec.setMaxSession(1);
        spec.setReconnectDelay(50);
        spec.setMaxReconnectDelay(200);
        previousLevel = ferrymqLog.getLevel();
        ferrymqLog.setLevel(Level.FINE);
        ferrymqLog.addHandler(capture);
    }

    @AfterEach
    void stop() {
        if (activated) {
            adapter.endpointDeactivation(bean, spec);
        }
        adapter.stop();
        ferrymqLog.removeHandler(capture);
        ferrymqLog.setLevel(previousLevel);
    }

    @Test
    void anActivationWithItsUserAndPasswordReceivesFromABrokerThatRequiresCredentials() throws Exception {
        adapter.start(null);
        spec.setUser("mdb");
        spec.setPassword(MDB_PASSWORD);
        activate();

        send("order 1");

        assertEquals("order 1", bean.next());
    }

    @Test
    void anActivationWithoutCredentialsOfItsOwnLogsInWithTheAdapters() throws Exception {
        adapter.setUserName("mdb");
        adapter.setPassword(MDB_PASSWORD);
        adapter.start(null);
        activate();

        send("order 1");

        assertEquals("order 1", bean.next());
    }

    @Test
    void openMqsNameUserNameSetsTheActivationsUser() throws Exception {
        adapter.start(null);
        spec.setUserName("mdb");
        spec.setPassword(MDB_PASSWORD);
        assertEquals("mdb", spec.getUser());
        activate();

        send("order 1");

        assertEquals("order 1", bean.next());
    }

    @Test
    void anActivationWithoutCredentialsIsToldWhichPropertiesToSetAndKeepsTrying() throws Exception {
        adapter.start(null);

        assertDoesNotThrow(this::activate, "the activation failed instead of trying again in the background");

        String error = awaitLogged(Level.SEVERE, "the refused login");
        assertTrue(error.contains(bean.getActivationName()) && error.contains(queue), error);
        assertTrue(error.contains("without a user name"), error);
        assertTrue(error.contains("user and password") && error.contains("UserName and Password"), error);
        await(() -> reconnectAttempts() >= 3, "three tries, at least, after the refused login");
        assertEquals(1, messages(Level.SEVERE).size(), "an error per try, not per refusal: " + messages(Level.SEVERE));
    }

    @Test
    void anActivationRefusedForItsPasswordDeliversOnceTheUsersFileAcceptsIt() throws Exception {
        writeUsers("sender", SENDER_PASSWORD); // no user mdb yet
        adapter.start(null);
        spec.setUser("mdb");
        spec.setPassword(MDB_PASSWORD);

        assertDoesNotThrow(this::activate, "the activation failed instead of trying again in the background");
        String error = awaitLogged(Level.SEVERE, "the refused login");
        assertTrue(error.contains(bean.getActivationName()) && error.contains(queue) && error.contains("user 'mdb'"),
                error);
        assertTrue(error.contains("activation property user") && error.contains("password"), error);

        writeUsers("sender", SENDER_PASSWORD, "mdb", MDB_PASSWORD); // read again by the broker on its next login
        send("order 1");

        assertEquals("order 1", bean.next(), "the activation never delivered after the broker accepted its user");
        await(() -> messages(Level.INFO).stream().anyMatch(m -> m.contains(bean.getActivationName())
                && m.contains("again")), "a line saying delivery began"); // logged after the connection starts
    }

    @Test
    void recoveryWithTheAdaptersCredentialsListsAPreparedBranch() throws Exception {
        adapter.setUserName("recovery");
        adapter.setPassword(RECOVERY_PASSWORD);
        adapter.start(null);
        Xid prepared = prepareASend();

        XAResource recovery = adapter.getXAResources(new ActivationSpec[] {spec})[0];

        assertTrue(Arrays.stream(recovery.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                .anyMatch(xid -> sameXid(xid, prepared)), "recovery did not list the prepared branch");
        recovery.commit(prepared, false);
        assertEquals(0, recovery.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length,
                "the committed branch is still in doubt");
    }

    @Test
    void recoveryWithoutCredentialsNamesTheAdapterPropertiesToSet() throws Exception {
        adapter.start(null);

        SecurityException e = assertThrows(SecurityException.class,
                () -> adapter.getXAResources(new ActivationSpec[] {spec}));

        assertTrue(e.getMessage().contains("recovery") && e.getMessage().contains("'" + name + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("UserName and Password"), e.getMessage());
    }

    @Test
    void noPasswordShowsInALogLineAnExceptionOrAToString() throws Exception {
        String wrongMdbPassword = "wrong-mdb-Pa55word-0b1d";
        String wrongRecoveryPassword = "wrong-recovery-Pa55word-5e6f";
        adapter.setUserName("recovery");
        adapter.setPassword(wrongRecoveryPassword);
        adapter.start(null);
        spec.setUser("mdb");
        spec.setPassword(wrongMdbPassword);
        List<String> shown = new ArrayList<>();

        activate();
        awaitLogged(Level.SEVERE, "the refused login");
        ResourceException recovery = assertThrows(ResourceException.class,
                () -> adapter.getXAResources(new ActivationSpec[] {spec}));
        adapter.endpointDeactivation(bean, spec);
        activated = false;
        spec.setPassword(MDB_PASSWORD);
        activate();
        send("order 1");
        assertEquals("order 1", bean.next());

        shown.add(recovery.getMessage());
        shown.add(spec.toString());
        shown.add(adapter.toString());
        for (LogRecord record : logged) {
            shown.add(record.getMessage());
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                shown.add(t.toString());
            }
        }
        for (String password : List.of(wrongMdbPassword, wrongRecoveryPassword, MDB_PASSWORD, SENDER_PASSWORD)) {
            for (String text : shown) {
                assertFalse(text != null && text.contains(password), "a password shows in: " + text);
            }
        }
    }

    @Test
    void aPasswordWithoutAUserIsRefusedNamingTheProperty() {
        spec.setPassword(MDB_PASSWORD);
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(e.getMessage().contains("password") && e.getMessage().contains("user"), e.getMessage());
        assertFalse(e.getMessage().contains(MDB_PASSWORD), e.getMessage());

        adapter.setPassword(RECOVERY_PASSWORD);
        ResourceAdapterInternalException refused = assertThrows(ResourceAdapterInternalException.class,
                () -> adapter.start(null));
        assertTrue(refused.getMessage().contains("Password") && refused.getMessage().contains("UserName"),
                refused.getMessage());
        assertFalse(refused.getMessage().contains(RECOVERY_PASSWORD), refused.getMessage());
    }

    private void activate() throws ResourceException {
        adapter.endpointActivation(bean, spec);
        activated = true;
    }

    private void writeUsers(String... userAndPassword) throws Exception {
        UsersFile users = UsersFile.empty();
        for (int i = 0; i < userAndPassword.length; i += 2) {
            users = users.with(new UsersFile.User(userAndPassword[i],
                    PasswordHash.of(userAndPassword[i + 1].toCharArray()), List.of()));
        }
        users.write(usersFile);
    }

    private void send(String text) throws JMSException, ResourceException {
        try (Connection connection = new FerryConnectionFactory(adapter.connectionUrl())
                .createConnection("sender", SENDER_PASSWORD)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage(text));
        }
    }

    /** A send to {@link #queue} in an XA branch that is prepared, then left in doubt as by a crash of its server. */
    private Xid prepareASend() throws Exception {
        Xid xid = new XidData(0x46455252, UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII),
                new byte[] {1});
        XAConnection connection = new FerryXAConnectionFactory(adapter.connectionUrl())
                .createXAConnection("sender", SENDER_PASSWORD);
        try {
            XASession session = connection.createXASession();
            XAResource branch = session.getXAResource();
            branch.start(xid, XAResource.TMNOFLAGS);
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage("in doubt"));
            branch.end(xid, XAResource.TMSUCCESS);
            branch.prepare(xid);
        } finally {
            connection.close();
        }
        return xid;
    }

    private static boolean sameXid(Xid a, Xid b) {
        return a.getFormatId() == b.getFormatId() && Arrays.equals(a.getGlobalTransactionId(), b.getGlobalTransactionId())
                && Arrays.equals(a.getBranchQualifier(), b.getBranchQualifier());
    }

    private long reconnectAttempts() {
        return messages(Level.FINE).stream().filter(m -> m.contains("reconnect attempt")).count();
    }

    /** What the adapter (not the broker) logged at {@code level}. */
    private List<String> messages(Level level) {
        return logged.stream().filter(r -> r.getLevel().equals(level) && r.getLoggerName().startsWith("org.ferrymq.ra"))
                .map(LogRecord::getMessage).toList();
    }

    /** The first line logged at {@code level} by the adapter, waited for. */
    private String awaitLogged(Level level, String what) throws InterruptedException {
        await(() -> !messages(level).isEmpty(), what + " to be logged at " + level);
        return messages(level).get(0);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Waited 30 s for " + what);
            }
            Thread.sleep(10);
        }
    }
}
