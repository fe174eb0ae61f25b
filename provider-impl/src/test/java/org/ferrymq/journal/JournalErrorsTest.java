package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A journal that cannot be used fails the broker's start with a message that says why and what to do. */
class JournalErrorsTest {

    private static JMSException startFails(String url) {
        String broker = url.substring("vm://".length(), url.indexOf('?'));
        try {
            return assertThrows(JMSException.class, () -> {
                try (Connection c = new FerryConnectionFactory(url).createConnection()) {
                    c.start();
                }
            });
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    private static String url(String jdbcUrl, String... parameters) {
        return "vm://errors-" + UUID.randomUUID() + "?journalUrl=" + URLEncoder.encode(jdbcUrl, StandardCharsets.UTF_8)
                + (parameters.length == 0 ? "" : "&" + String.join("&", parameters));
    }

    @Test
    void anUnreachableDatabaseIsNamedWithItsUrl() {
        JMSException e = startFails(url("jdbc:postgresql://127.0.0.1:1/test", "journalUser=postgres",
                "journalTimeout=2000"));
        assertTrue(e.getMessage().contains("jdbc:postgresql://127.0.0.1:1/test"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot reach the database"), e.getMessage());
    }

    @Test
    void aMissingDriverNamesTheDriverToAdd() {
        JMSException e = startFails(url("jdbc:mysql://127.0.0.1:3306/test"));
        assertTrue(e.getMessage().contains("No JDBC driver"), e.getMessage());
        assertTrue(e.getMessage().contains("com.mysql:mysql-connector-j"), e.getMessage());
    }

    @Test
    void aDatabaseWithoutADialectIsRefusedListingTheKnownOnes() {
        JMSException e = startFails(url("jdbc:oracle:thin:@//127.0.0.1:1521/xe"));
        assertTrue(e.getMessage().contains("No journal dialect"), e.getMessage());
        assertTrue(e.getMessage().contains("postgresql"), e.getMessage());
    }

    @Test
    void aPasswordInTheUrlIsNeverShown() {
        JMSException e = startFails(url("jdbc:postgresql://127.0.0.1:1/test?password=secret123", "journalTimeout=2000"));
        assertTrue(!e.getMessage().contains("secret123"), e.getMessage());
    }

    @Test
    void aWrongPasswordIsReportedAsSuch() {
        JournalDatabase mariadb = JournalDatabase.mariadb();
        assumeTrue(mariadb.enabled(), mariadb.whyDisabled());
        JMSException e = startFails(url("jdbc:mariadb://127.0.0.1:3306/test", "journalUser=root",
                "journalPassword=wrong-password"));
        assertTrue(e.getMessage().contains("refused the user name or password"), e.getMessage());
    }

    @Test
    void anUnknownUserIsReportedAsSuch() {
        JournalDatabase postgresql = JournalDatabase.postgresql();
        assumeTrue(postgresql.enabled(), postgresql.whyDisabled());
        JMSException e = startFails(url("jdbc:postgresql://127.0.0.1:5432/test", "journalUser=no_such_user"));
        assertTrue(e.getMessage().contains("refused the user name or password"), e.getMessage());
    }

    @Test
    void aSchemaFromANewerFerryMqIsRefused() throws Exception {
        JournalDatabase h2 = JournalDatabase.h2().emptied();
        String broker = "newer-schema-" + UUID.randomUUID();
        try (Connection c = new FerryConnectionFactory(h2.brokerUrl(broker)).createConnection()) {
            c.start();
        }
        EmbeddedBroker.stop(broker);
        h2.execute("INSERT INTO FMQ_SCHEMA_VERSION (SCHEMA_VERSION, DESCRIPTION, APPLIED_AT) VALUES (99, 'future', 0)");
        JMSException e = startFails(h2.brokerUrl(broker));
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        assertTrue(e.getMessage().contains("newer FerryMQ"), e.getMessage());
    }

    @Test
    void aSecondLiveBrokerOnTheSameDatabaseIsRefusedNamingTheFirst() throws Exception {
        JournalDatabase h2 = JournalDatabase.h2().emptied();
        String first = "lease-holder-" + UUID.randomUUID();
        try (Connection c = new FerryConnectionFactory(h2.brokerUrl(first)).createConnection()) {
            c.start();
            JMSException e = startFails(h2.brokerUrl("second-" + UUID.randomUUID()));
            assertTrue(e.getMessage().contains("in use by broker '" + first + "'"), e.getMessage());
        } finally {
            EmbeddedBroker.stop(first);
        }
        // once the first has stopped, its lease is free
        String third = "after-release-" + UUID.randomUUID();
        try (Connection c = new FerryConnectionFactory(h2.brokerUrl(third)).createConnection()) {
            c.start();
        } finally {
            EmbeddedBroker.stop(third);
        }
    }

    @Test
    void anUnwritableDataDirectoryIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        JMSException e = startFails("vm://data-" + UUID.randomUUID() + "?dataDirectory=" + file.resolve("data"));
        assertTrue(e.getMessage().contains("Cannot create the data directory"), e.getMessage());
    }

    @Test
    void theDefaultJournalIsAnH2FileInTheDataDirectory(@TempDir Path dir) throws Exception {
        String broker = "default-" + UUID.randomUUID();
        try (Connection c = new FerryConnectionFactory("vm://" + broker + "?dataDirectory=" + dir).createConnection()) {
            c.start();
        } finally {
            EmbeddedBroker.stop(broker);
        }
        assertEquals(1, Files.list(dir).filter(p -> p.getFileName().toString().equals(broker + ".mv.db")).count(),
                "no H2 file named after the broker in " + dir);
    }
}
