package org.ferrymq.journal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh embedded broker per test, journaling to an emptied {@link JournalDatabase} and
 * reached through real {@code vm://} URLs, stopped after the test with the connections the test
 * left to it: for the journal tests what the client tests' {@code EmbeddedBroker} is for brokers
 * without a journal. A test on a database not enabled on this machine is skipped.
 */
public final class JournalBroker implements AfterEachCallback {

    private final String prefix;
    private JournalDatabase database;
    private String name;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** {@code prefix} begins the broker's name, which a UUID makes unique. */
    public JournalBroker(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Skips the test unless {@code database} is enabled, empties it and names a new broker to
     * journal there; the broker itself starts with the first connection to {@link #url}.
     * Answers the emptied database.
     */
    public JournalDatabase start(JournalDatabase database) throws SQLException {
        assumeTrue(database.enabled(), database.whyDisabled());
        this.database = database.emptied();
        name = prefix + "-" + UUID.randomUUID();
        return this.database;
    }

    public String name() {
        return name;
    }

    /** The vm:// URL of the broker, with more parameters if given. */
    public String url(String... parameters) {
        return database.brokerUrl(name, parameters);
    }

    public FerryConnectionFactory factory(String... parameters) {
        return new FerryConnectionFactory(url(parameters));
    }

    /** Closes {@code closeable} (a connection, say) before the broker stops, the last tracked first. */
    public <C extends AutoCloseable> C track(C closeable) {
        opened.push(closeable);
        return closeable;
    }

    /**
     * Closes what the test tracked and stops the broker; the next connection to its URL starts a
     * new one, which recovers from the journal.
     */
    public void stop() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                // already closed by the test
            }
        }
        EmbeddedBroker.stop(name);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (name != null) {
            stop();
        }
        name = null;
        database = null;
    }
}
