package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection URL (or a JNDI entry, or a configuration file) that carries journal settings
 * cannot make the broker run code: journal URLs are limited to the databases FerryMQ has a
 * dialect for, H2 settings that run SQL or load classes are refused however they are spelled,
 * a dialect class is checked before it is initialized, and the data directory cannot smuggle
 * settings into the default H2 URL.
 */
class JournalUrlRulesTest {

    /** Set by {@link NotADialect}'s static initializer: proof that FerryMQ initialized the class. */
    static final String INITIALIZED = "ferrymq.test.notADialect.initialized";

    private final String broker = "url-rules-" + UUID.randomUUID();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(broker);
    }

    private JMSException startFails(String parameters) {
        JMSException refused = attempt(parameters);
        assertNotNull(refused, "the broker started with " + parameters);
        return refused;
    }

    /** Starts the broker with these URL parameters: null if it started, else why not. */
    private JMSException attempt(String parameters) {
        try (Connection c = new FerryConnectionFactory("vm://" + broker + "?" + parameters).createConnection()) {
            c.start();
            return null;
        } catch (JMSException e) {
            return e;
        } finally {
            EmbeddedBroker.stop(broker);
        }
    }

    private static String journalUrl(String jdbcUrl) {
        return "journalUrl=" + URLEncoder.encode(jdbcUrl, StandardCharsets.UTF_8);
    }

    /** A script that, if H2 ran it, would write the file {@code marker}. */
    private Path scriptWriting(Path marker) throws Exception {
        return Files.writeString(dir.resolve("evil.sql"), "SCRIPT TO '" + marker + "';\n");
    }

    @Test
    void anInitSettingInAnH2JournalUrlIsRefusedBeforeTheDatabaseOpens() throws Exception {
        Path marker = dir.resolve("marker.sql");
        Path script = scriptWriting(marker);
        JMSException e = attempt(journalUrl("jdbc:h2:file:" + dir.resolve("db") + ";INIT=RUNSCRIPT FROM '"
                + script + "'"));
        assertFalse(Files.exists(marker), "H2 ran the URL's INIT script");
        assertNotNull(e, "the broker started");
        assertTrue(e.getMessage().contains("journalUrl") && e.getMessage().contains("INIT"), e.getMessage());
        assertFalse(e.getMessage().contains(script.toString()), "the refused value is echoed: " + e.getMessage());
    }

    @Test
    void anInitSettingIsRefusedWhateverItsCaseOrEscapes() throws Exception {
        Path marker = dir.resolve("marker.sql");
        Path script = scriptWriting(marker);
        for (String setting : new String[] {";init=", ";\\INIT=", ";In\\it=", "; INIT =", ";\u0131n\u0131t="}) {
            JMSException e = attempt(journalUrl("jdbc:h2:mem:" + UUID.randomUUID() + setting + "RUNSCRIPT FROM '"
                    + script + "'"));
            assertFalse(Files.exists(marker), "H2 ran the URL's INIT script written as " + setting);
            assertNotNull(e, "the broker started with " + setting);
        }
    }

    @Test
    void h2SettingsThatLoadClassesAreRefused() {
        JMSException e = startFails(journalUrl("jdbc:h2:mem:" + UUID.randomUUID()
                + ";DATABASE_EVENT_LISTENER=org.example.Listener"));
        assertTrue(e.getMessage().contains("DATABASE_EVENT_LISTENER"), e.getMessage());
    }

    @Test
    void anH2UrlOtherThanAFileOrInMemoryDatabaseIsRefused() {
        JMSException e = startFails(journalUrl("jdbc:h2:zip:" + dir.resolve("db.zip") + "!/db"));
        assertTrue(e.getMessage().contains("journalUrl") && e.getMessage().contains("jdbc:h2:file:"),
                e.getMessage());
    }

    @Test
    void theH2SettingsFerryMqUsesAreAccepted() throws Exception {
        String url = "vm://" + broker + "?" + journalUrl("jdbc:h2:file:" + dir.resolve("db")
                + ";WRITE_DELAY=0;db_close_delay=-1");
        try (Connection c = new FerryConnectionFactory(url).createConnection()) {
            c.start();
        }
    }

    @Test
    void aVmUrlWithoutParametersStillJournalsToAnH2FileInTheDataDirectory() throws Exception {
        try (Connection c = new FerryConnectionFactory("vm://" + broker).createConnection()) {
            c.start();
        }
        Path dataDirectory = Path.of(System.getProperty("ferrymq.dataDirectory", "ferrymq-data"));
        assertTrue(Files.exists(dataDirectory.resolve(broker + ".mv.db")), "no H2 file in " + dataDirectory);
    }

    @Test
    void aUrlThatNoDialectAcceptsIsRefusedEvenWithADialectNamed() {
        JMSException e = startFails(journalUrl("jdbc:h2:mem:" + UUID.randomUUID()) + "&journalDialect=postgresql");
        assertTrue(e.getMessage().contains("journalUrl") && e.getMessage().contains("postgresql"), e.getMessage());
    }

    @Test
    void aPostgreSqlUrlThatNamesAClassIsRefused() {
        JMSException e = startFails(journalUrl(
                "jdbc:postgresql://127.0.0.1:1/ferrymq?socketFactory=org.example.Evil&socketFactoryArg=x"));
        assertTrue(e.getMessage().contains("socketFactory"), e.getMessage());
        assertFalse(e.getMessage().contains("org.example.Evil"), e.getMessage());
    }

    @Test
    void aDriverOptionThatNamesAClassIsRefusedWhereverTheUrlPutsIt() {
        for (String jdbcUrl : new String[] {"jdbc:mysql://(host=127.0.0.1,queryInterceptors=org.example.Evil)/db",
                "jdbc:mariadb://127.0.0.1:1/db?user=mq&%73ocketFactory=org.example.Evil",
                "jdbc:mysql://127.0.0.1:1/db?AutoDeserialize =true"}) {
            JMSException e = startFails(journalUrl(jdbcUrl));
            assertTrue(e.getMessage().contains("journalUrl") && e.getMessage().contains("driver option"),
                    jdbcUrl + ": " + e.getMessage());
        }
    }

    @Test
    void aDataDirectoryWithASemicolonIsRefused() throws Exception {
        Path marker = dir.resolve("marker.sql");
        Path script = scriptWriting(marker);
        // the comment (--) hides the rest of the default URL from the smuggled statement
        JMSException e = attempt("dataDirectory=" + URLEncoder.encode(dir.resolve("data") + ";INIT=RUNSCRIPT FROM '"
                + script + "'--", StandardCharsets.UTF_8));
        assertFalse(Files.exists(marker), "H2 ran the INIT script smuggled in dataDirectory");
        assertNotNull(e, "the broker started");
        assertTrue(e.getMessage().contains("dataDirectory") && e.getMessage().contains("';'"), e.getMessage());
    }

    @Test
    void aDialectClassIsCheckedBeforeItIsInitialized() {
        System.clearProperty(INITIALIZED);
        JMSException e = startFails("journalDialect=" + NotADialect.class.getName() + "&dataDirectory="
                + URLEncoder.encode(dir.toString(), StandardCharsets.UTF_8));
        assertNull(System.getProperty(INITIALIZED), "FerryMQ initialized a class that is not a dialect");
        assertTrue(e.getMessage().contains("journalDialect") && e.getMessage().contains("SqlDialect"),
                e.getMessage());
    }

    @Test
    void anUnknownDialectNamesTheSetting() {
        JMSException e = startFails("journalDialect=org.example.NoSuchDialect&dataDirectory="
                + URLEncoder.encode(dir.toString(), StandardCharsets.UTF_8));
        assertTrue(e.getMessage().contains("journalDialect"), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf("ClassNotFoundException"), e.getMessage());
    }

    /** Not a dialect; its static initializer records that it ran. */
    static final class NotADialect {
        static {
            System.setProperty(INITIALIZED, "true");
        }
    }
}
