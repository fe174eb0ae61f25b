package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.security.PasswordHash;
import org.ferrymq.security.UsersFile;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a user's roles come from (the {@code userRoles} setting, the users file's
 * {@code .roles} lines, a JAAS login module's principals), and what a broker allows when no
 * permissions file is configured: everything, to whoever may connect.
 */
class RolesAndDefaultsTest {

    /** Knows one user, jay (password "pw"), and adds the principals jay and consumers to the subject. */
    public static final class JayTheConsumer implements LoginModule {
        private Subject subject;
        private CallbackHandler handler;
        private boolean in;

        @Override
        public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> shared,
                Map<String, ?> options) {
            this.subject = subject;
            this.handler = handler;
        }

        @Override
        public boolean login() throws LoginException {
            NameCallback name = new NameCallback("user");
            PasswordCallback password = new PasswordCallback("password", false);
            try {
                handler.handle(new Callback[] {name, password});
            } catch (Exception e) {
                throw new LoginException(e.toString());
            }
            if (!"jay".equals(name.getName()) || !"pw".equals(new String(password.getPassword()))) {
                throw new FailedLoginException("not jay");
            }
            in = true;
            return true;
        }

        @Override
        public boolean commit() {
            if (in) {
                subject.getPrincipals().add(named("jay"));
                subject.getPrincipals().add(named("consumers"));
            }
            return in;
        }

        @Override
        public boolean abort() {
            return true;
        }

        @Override
        public boolean logout() {
            return true;
        }

        private static Principal named(String name) {
            return new Principal() {
                @Override
                public String getName() {
                    return name;
                }
            };
        }
    }

    @TempDir
    Path dir;

    private final String name = "roles-" + UUID.randomUUID();
    private final Opened opened = new Opened();

    @AfterEach
    void stop() {
        opened.closeAll();
        EmbeddedBroker.stop(name);
    }

    private Path permissions() throws Exception {
        return Files.writeString(dir.resolve("permissions.properties"), AuthorizationTest.PERMISSIONS);
    }

    private Session session(String user, String password) throws JMSException {
        Connection connection = opened.track(new FerryConnectionFactory("vm://" + name)
                .createConnection(user, password));
        connection.start();
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @Test
    void rolesComeFromTheUsersFile() throws Exception {
        Path users = dir.resolve("users.properties");
        UsersFile.empty()
                .with(new UsersFile.User("fred", PasswordHash.of("f".toCharArray()), List.of("producers")))
                .write(users);
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().usersFile(users).permissionsFile(permissions())
                .addQueue("orders.eu"));
        Session fred = session("fred", "f");
        fred.createProducer(fred.createQueue("orders.eu")).send(fred.createTextMessage("from fred"));
        JMSSecurityException e = assertThrows(JMSSecurityException.class,
                () -> fred.createConsumer(fred.createQueue("orders.eu")));
        assertTrue(e.getMessage().contains("User 'fred' may not consume") && e.getMessage().contains("roles producers"),
                e.getMessage());
    }

    @Test
    void rolesComeFromTheJaasSubjectsPrincipalsButTheUsersOwn() throws Exception {
        Path jaas = Files.writeString(dir.resolve("login.conf"),
                "ferrymq {\n  " + JayTheConsumer.class.getName() + " required;\n};\n");
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().addUser("producer", "p")
                .addUserRoles("producer", "producers").jaasRealm("ferrymq").jaasLoginConfig(jaas)
                .permissionsFile(permissions()).addQueue("orders.eu"));
        Session producer = session("producer", "p");
        producer.createProducer(producer.createQueue("orders.eu")).send(producer.createTextMessage("for jay"));
        Session jay = session("jay", "pw");
        assertEquals("for jay", ((TextMessage) jay.createConsumer(jay.createQueue("orders.eu")).receive(5000))
                .getText());
        JMSSecurityException e = assertThrows(JMSSecurityException.class,
                () -> jay.createProducer(jay.createQueue("orders.eu")).send(jay.createTextMessage("x")));
        assertTrue(e.getMessage().contains("it has roles consumers,"), e.getMessage());
    }

    @Test
    void withUsersButNoPermissionsFileEveryUserMayDoEverything() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().addUser("bob", "b"));
        Connection connection = opened.track(new FerryConnectionFactory("vm://" + name).createConnection("bob", "b"));
        connection.setClientID("bob-client");
        connection.start();
        Session bob = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        bob.createProducer(bob.createQueue("anything.new")).send(bob.createTextMessage("hello"));
        assertEquals(1, Collections.list(bob.createBrowser(bob.createQueue("anything.new")).getEnumeration()).size());
        assertEquals("hello", ((TextMessage) bob.createConsumer(bob.createQueue("anything.new")).receive(5000))
                .getText());
        Topic topic = bob.createTopic("any.topic");
        bob.createDurableConsumer(topic, "sub").close();
        bob.unsubscribe("sub");
    }

    @Test
    void anEmbeddedBrokerTakesItsPermissionsFromItsConfigurationFileAndRolesFromItsUrl() throws Exception {
        Path config = Files.writeString(dir.resolve("broker.properties"),
                "permissionsFile=" + permissions().toString().replace("\\", "/") + "\nqueues=orders.eu\n");
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name + "?config="
                + config.toString().replace("\\", "/") + "&users=ann:a,cy:c&userRoles=ann:producers;auditors");
        Connection ann = opened.track(factory.createConnection("ann", "a"));
        Session session = ann.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createProducer(session.createQueue("orders.eu")).send(session.createTextMessage("by ann"));
        assertEquals(1, Collections.list(session.createBrowser(session.createQueue("orders.eu")).getEnumeration())
                .size());
        Connection cy = opened.track(factory.createConnection("cy", "c"));
        Session refused = cy.createSession(false, Session.AUTO_ACKNOWLEDGE);
        JMSSecurityException e = assertThrows(JMSSecurityException.class,
                () -> refused.createConsumer(refused.createQueue("orders.eu")));
        assertTrue(e.getMessage().contains("User 'cy' may not consume") && e.getMessage().contains("it has no roles"),
                e.getMessage());
    }

    @Test
    void aPermissionsFileWithoutUsersFailsTheStart() throws Exception {
        Path file = permissions();
        JMSException e = assertThrows(JMSException.class,
                () -> EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().permissionsFile(file)));
        assertTrue(e.getMessage().contains("has a permissions file (setting 'permissionsFile') but no users"),
                e.getMessage());
    }

    @Test
    void aWrongPermissionsLineFailsTheStartNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("permissions.properties"), "sned.orders=producers\n");
        JMSException e = assertThrows(JMSException.class, () -> EmbeddedBroker.start(new BrokerConfig(name)
                .memoryJournal().addUser("a", "a").permissionsFile(file)));
        assertTrue(e.getMessage().contains("line 'sned.orders' is not OPERATION.PATTERN=ROLE,ROLE")
                && e.getMessage().contains("'permissionsFile'"), e.getMessage());
        Path wild = Files.writeString(dir.resolve("permissions.properties"), "send.ord*=producers\n");
        e = assertThrows(JMSException.class, () -> EmbeddedBroker.start(new BrokerConfig(name)
                .memoryJournal().addUser("a", "a").permissionsFile(wild)));
        assertTrue(e.getMessage().contains("'*' and '#' stand alone between dots"), e.getMessage());
    }

    @Test
    void aMissingPermissionsFileFailsTheStartNamingIt() {
        Path missing = dir.resolve("permissions.properties");
        JMSException e = assertThrows(JMSException.class, () -> EmbeddedBroker.start(new BrokerConfig(name)
                .memoryJournal().addUser("a", "a").permissionsFile(missing)));
        assertTrue(e.getMessage().contains("has no permissions file " + missing + " (setting 'permissionsFile')"),
                e.getMessage());
    }

    @Test
    void rolesForAUserTheUsersSettingLacksFailTheStart() {
        JMSException e = assertThrows(JMSException.class, () -> EmbeddedBroker.start(new BrokerConfig(name)
                .memoryJournal().set(BrokerConfig.USERS, "alice:a").set(BrokerConfig.USER_ROLES, "alcie:admins")));
        assertTrue(e.getMessage().contains("gives roles to 'alcie', who is not a user of setting 'users'"),
                e.getMessage());
    }
}
