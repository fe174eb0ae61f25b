package org.ferrymq.security;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users a JAAS login module knows, asked when the broker's own settings do not know the name. */
class JaasLoginTest {

    /** A login module that knows one user, carol, with the password "from-jaas". */
    public static final class CarolOnly implements LoginModule {
        private CallbackHandler handler;

        @Override
        public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> shared, Map<String, ?> options) {
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
            if (!"carol".equals(name.getName()) || !"from-jaas".equals(new String(password.getPassword()))) {
                throw new FailedLoginException("not carol");
            }
            return true;
        }

        @Override
        public boolean commit() {
            return true;
        }

        @Override
        public boolean abort() {
            return true;
        }

        @Override
        public boolean logout() {
            return true;
        }
    }

    @TempDir
    Path dir;

    private final String name = "jaas-" + UUID.randomUUID();
    private final Opened opened = new Opened();

    @AfterEach
    void stop() {
        opened.closeAll();
        EmbeddedBroker.stop(name);
    }

    @Test
    void aUserTheLoginModuleAcceptsLogsInBesideTheConfiguredOnes() throws Exception {
        Path jaas = Files.writeString(dir.resolve("login.conf"),
                "ferrymq {\n  " + CarolOnly.class.getName() + " required;\n};\n");
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().addUser("alice", "s3cret").jaasRealm("ferrymq")
                .jaasLoginConfig(jaas));
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
        opened.track(factory.createConnection("carol", "from-jaas"));
        opened.track(factory.createConnection("alice", "s3cret"));
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("carol", "guess"));
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("dave", "from-jaas"));
        assertThrows(JMSSecurityException.class, factory::createConnection);
    }

    @Test
    void anUnreadableJaasConfigurationFailsTheStartNamingTheSetting() {
        JMSException e = assertThrows(JMSException.class, () -> EmbeddedBroker.start(new BrokerConfig(name)
                .memoryJournal().jaasRealm("ferrymq").jaasLoginConfig(dir.resolve("missing.conf"))));
        assertTrue(e.getMessage().contains("'jaasLoginConfig'"), e.getMessage());
    }

    @Test
    void aRealmTheConfigurationLacksFailsTheStartNamingIt() throws Exception {
        Path jaas = Files.writeString(dir.resolve("login.conf"),
                "other {\n  " + CarolOnly.class.getName() + " required;\n};\n");
        JMSException e = assertThrows(JMSException.class, () -> EmbeddedBroker.start(new BrokerConfig(name)
                .memoryJournal().jaasRealm("ferrymq").jaasLoginConfig(jaas)));
        assertTrue(e.getMessage().contains("no JAAS login configuration entry 'ferrymq'"), e.getMessage());
    }
}
