package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;

/**
 * FerryMQ with its embedded broker keeping its JDBC journal (tables {@code FMQ_*}) in the
 * scratch database: the first connection to {@code vm://jdbcbench?journalUrl=...} starts the
 * broker, which recovers whatever the journal holds; {@link EmbeddedBroker#stop} stops it.
 */
final class EmbeddedFerryMqOnJdbc implements PersistentBrokerUnderTest {

    private static final String BROKER_NAME = "jdbcbench";

    @Override
    public String key() {
        return "ferrymq";
    }

    @Override
    public ConnectionFactory start(ScratchDatabase database) {
        return new FerryConnectionFactory(brokerUrl(database));
    }

    /** The embedded broker's URL; the journal settings are URL parameters, so their values are URL-encoded. */
    static String brokerUrl(ScratchDatabase database) {
        StringBuilder url = new StringBuilder("vm://").append(BROKER_NAME)
                .append("?journalUrl=").append(encode(database.url()));
        if (!database.user().isEmpty()) {
            url.append("&journalUser=").append(encode(database.user()));
        }
        if (!database.password().isEmpty()) {
            url.append("&journalPassword=").append(encode(database.password()));
        }
        return url.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void stop() {
        EmbeddedBroker.stop(BROKER_NAME);
    }

    @Override
    public void deleteLocalFiles() {
        // Everything FerryMQ keeps is in the journal database, which the run drops.
    }
}
