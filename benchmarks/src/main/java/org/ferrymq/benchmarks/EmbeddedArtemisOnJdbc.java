package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.activemq.artemis.api.config.ActiveMQDefaultConfiguration;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.storage.DatabaseStorageConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jdbc.store.drivers.JDBCDataSourceUtils;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * ActiveMQ Artemis as the reference: an embedded broker with persistence on and its JDBC store
 * (bindings, messages, large messages, paging) in the scratch database, security off, reached
 * through its in-VM acceptor {@code vm://0} (or, for the TCP benchmark's server process, a Netty
 * acceptor {@code tcp://HOST:PORT}) with the Jakarta client's defaults, under which a
 * persistent send outside a transaction blocks until the broker has stored it.
 *
 * <p>The store keeps Artemis's defaults but for its {@code jdbc-journal-sync-period} (the journal
 * writes what has gathered once per period), which the run sets: the default 5 ms, and 1 ms,
 * the smallest Artemis takes and its best for a lone synchronous producer. The other difference:
 * the connection pool is built here, with the same pool class and properties Artemis would use,
 * because the broker does not close a pool it built itself when it stops; its idle connections
 * would keep an H2 database open across the restart and a PostgreSQL database from being dropped.
 */
final class EmbeddedArtemisOnJdbc implements PersistentBrokerUnderTest {

    private final int syncPeriodMillis;
    private final String acceptorUrl;
    private Path instanceDirectory;
    private DataSource pool;
    private EmbeddedActiveMQ broker;
    private ActiveMQConnectionFactory factory;

    EmbeddedArtemisOnJdbc(int syncPeriodMillis) {
        this(syncPeriodMillis, "vm://0");
    }

    /** @param acceptorUrl the one acceptor the broker listens on, and the URL its factory connects to */
    EmbeddedArtemisOnJdbc(int syncPeriodMillis, String acceptorUrl) {
        this.syncPeriodMillis = syncPeriodMillis;
        this.acceptorUrl = acceptorUrl;
    }

    @Override
    public String key() {
        return "artemis";
    }

    @Override
    public String name() {
        return "artemis_sync" + syncPeriodMillis + "ms";
    }

    @Override
    public ConnectionFactory start(ScratchDatabase database) throws Exception {
        if (instanceDirectory == null) {
            // The JDBC store keeps everything in the database, but the broker still writes its server lock here.
            instanceDirectory = Files.createTempDirectory("ferrymq-jdbcbench-artemis");
        }
        pool = JDBCDataSourceUtils.getDataSource(ActiveMQDefaultConfiguration.getDefaultDataSourceClassName(),
                poolProperties(database));
        DatabaseStorageConfiguration store = new DatabaseStorageConfiguration();
        store.setJdbcDriverClassName(database.driverClassName());
        store.setJdbcConnectionUrl(database.url());
        store.setJdbcUser(database.user());
        store.setJdbcPassword(database.password());
        store.setDataSource(pool);
        store.setBindingsTableName("ARTEMIS_BINDINGS");
        store.setMessageTableName("ARTEMIS_MESSAGES");
        store.setLargeMessageTableName("ARTEMIS_LARGE_MESSAGES");
        // Artemis names one page table per address after this prefix, and refuses a prefix of more than 10 characters.
        store.setPageStoreTableName("ARTEMIS_PG");
        store.setNodeManagerStoreTableName("ARTEMIS_NODE_MANAGER");
        store.setJdbcJournalSyncPeriodMillis(syncPeriodMillis);

        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setBrokerInstance(instanceDirectory.toFile());
        configuration.setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setStoreConfiguration(store)
                .addAcceptorConfiguration("bench", acceptorUrl)
                // What the stock broker.xml sets; without it every new queue logs two warnings.
                .addAddressSetting("#", new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of("DLQ"))
                        .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        broker = new EmbeddedActiveMQ().setConfiguration(configuration).start();
        if (!broker.getActiveMQServer().isActive()) {
            // start() returns normally when the store fails to initialise; connections would then fail without a cause.
            throw new IllegalStateException("Artemis did not become active on " + database.url()
                    + "; its log above (AMQ224000) says why its store could not start");
        }
        factory = new ActiveMQConnectionFactory(acceptorUrl);
        return factory;
    }

    /** The properties DatabaseStorageConfiguration gives its default pool when it builds one itself. */
    private static Map<String, Object> poolProperties(ScratchDatabase database) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("driverClassName", database.driverClassName());
        properties.put("url", database.url());
        properties.put("username", database.user());
        properties.put("password", database.password());
        properties.put("maxTotal", -1);
        properties.put("poolPreparedStatements", true);
        return properties;
    }

    @Override
    public void stop() throws Exception {
        try {
            if (factory != null) {
                factory.close();
            }
            if (broker != null) {
                broker.stop();
            }
        } finally {
            factory = null;
            broker = null;
            if (pool instanceof AutoCloseable closeable) {
                closeable.close();
            }
            pool = null;
        }
    }

    @Override
    public void deleteLocalFiles() throws IOException {
        if (instanceDirectory == null) {
            return;
        }
        EmbeddedArtemis.deleteRecursively(instanceDirectory);
        instanceDirectory = null;
    }
}
