package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import javax.naming.Reference;
import org.ferrymq.jndi.FerryObjectFactory;
import org.ferrymq.protocol.Command;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * Passwords never reach a log line or an exception message: the text forms of the objects that
 * carry them (the connection command, connection URLs, the factories) and the errors about a
 * URL show every other part, and the password as ***.
 */
class PasswordsStayOutOfTextTest {

    private static final String SECRET = "s3cret-Pa55";

    @Test
    void theOpenConnectionCommandShowsTheUserButNotThePassword() {
        String shown = new Command.OpenConnection("connection-1", "alice", SECRET, "client-7").toString();
        assertFalse(shown.contains(SECRET), shown);
        assertTrue(shown.contains("alice") && shown.contains("client-7") && shown.contains("connection-1"), shown);
    }

    @Test
    void aConnectionUrlAndItsFactoriesHideEveryPassword() {
        String jdbcUrl = "jdbc:postgresql://db.example.com/ferrymq?user=ferry&password=" + SECRET;
        String url = "vm://hidden-" + UUID.randomUUID() + "?user=alice&password=" + SECRET + "&journalPassword="
                + SECRET + "&users=bob:" + SECRET + ",carol:" + SECRET + "&journalUrl="
                + URLEncoder.encode(jdbcUrl, StandardCharsets.UTF_8) + "&prefetch=10";
        for (Object carrier : new Object[] {ConnectionUrl.parse(url), new FerryConnectionFactory(url),
                new FerryXAConnectionFactory(url)}) {
            String shown = carrier.toString();
            assertFalse(shown.contains(SECRET), shown);
            assertTrue(shown.contains("alice") && shown.contains("bob") && shown.contains("db.example.com")
                    && shown.contains("prefetch=10"), "the rest of the URL is still shown: " + shown);
        }
    }

    @Test
    void errorsAboutAUrlHideItsPasswords() {
        String badPrefetch = "vm://hidden?password=" + SECRET + "&prefetch=many";
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ConnectionUrl.parse(badPrefetch));
        assertFalse(refused.getMessage().contains(SECRET), refused.getMessage());

        String badSetting = "vm://hidden-" + UUID.randomUUID() + "?journal=memory&journalPassword=" + SECRET
                + "&maxDeliveryAttempts=often";
        JMSException failed = assertThrows(JMSException.class,
                () -> new FerryConnectionFactory(badSetting).createConnection().close());
        assertFalse(failed.getMessage().contains(SECRET), failed.getMessage());
        assertTrue(failed.getMessage().contains("maxDeliveryAttempts"), failed.getMessage());
    }

    @Test
    void parametersNamedAfterASecretAreHiddenToo() {
        String jdbcUrl = "jdbc:postgresql://db.example.com/ferrymq?sslpassword=" + SECRET + "&apiSecret=" + SECRET;
        String url = "vm://hidden?tokenSecret=" + SECRET + "&JOURNALPASSWORD=" + SECRET + "&journalUrl="
                + URLEncoder.encode(jdbcUrl, StandardCharsets.UTF_8);
        String shown = ConnectionUrl.parse(url).toString();
        assertFalse(shown.contains(SECRET), shown);
        assertTrue(shown.contains("tokenSecret=***") && shown.contains("db.example.com"), shown);
    }

    @Test
    void aFactorysJndiReferenceShowsNoPasswordButStillConnectsWithIt() throws Exception {
        String broker = "hidden-" + UUID.randomUUID();
        String url = "vm://" + broker + "?journal=memory&requireCredentials=true&users=alice:" + SECRET
                + "&user=alice&password=" + SECRET;
        Reference reference = new FerryConnectionFactory(url).getReference();
        assertFalse(reference.toString().contains(SECRET), reference.toString());
        ConnectionFactory rebuilt = (ConnectionFactory) new FerryObjectFactory().getObjectInstance(reference, null,
                null, null);
        try (Connection connection = rebuilt.createConnection()) {
            connection.start();
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    @Test
    void aJournalUrlThatIsNotJdbcIsRefusedWithoutEchoingIt() {
        String badJournal = "vm://hidden-" + UUID.randomUUID() + "?journalUrl="
                + URLEncoder.encode("postgresql://ferry:" + SECRET + "@db.example.com/ferrymq", StandardCharsets.UTF_8);
        JMSException failed = assertThrows(JMSException.class,
                () -> new FerryConnectionFactory(badJournal).createConnection().close());
        assertFalse(failed.getMessage().contains(SECRET), failed.getMessage());
        assertTrue(failed.getMessage().contains("journalUrl"), failed.getMessage());
    }
}
