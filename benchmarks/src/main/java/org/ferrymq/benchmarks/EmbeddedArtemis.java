package org.ferrymq.benchmarks;

import jakarta.jms.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * ActiveMQ Artemis as the reference: an embedded broker without persistence or security,
 * reached through its in-VM acceptor {@code vm://0} (or, for the TCP benchmark's server process,
 * a Netty acceptor {@code tcp://HOST:PORT}) with the Jakarta client's default settings.
 */
final class EmbeddedArtemis implements BrokerUnderTest {

    private final String acceptorUrl;
    private Path instanceDirectory;
    private EmbeddedActiveMQ broker;
    private ActiveMQConnectionFactory factory;

    EmbeddedArtemis() {
        this("vm://0");
    }

    /** @param acceptorUrl the one acceptor the broker listens on, and the URL its factory connects to */
    EmbeddedArtemis(String acceptorUrl) {
        this.acceptorUrl = acceptorUrl;
    }

    @Override
    public String key() {
        return "artemis";
    }

    @Override
    public ConnectionFactory start() throws Exception {
        // Even without persistence Artemis creates its data folders; keep them out of the work tree.
        instanceDirectory = Files.createTempDirectory("ferrymq-bench-artemis");
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setBrokerInstance(instanceDirectory.toFile());
        configuration.setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .addAcceptorConfiguration("bench", acceptorUrl)
                // What the stock broker.xml sets; without it every new queue logs two warnings.
                .addAddressSetting("#", new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of("DLQ"))
                        .setExpiryAddress(SimpleString.of("ExpiryQueue")));
        broker = new EmbeddedActiveMQ().setConfiguration(configuration).start();
        factory = new ActiveMQConnectionFactory(acceptorUrl);
        return factory;
    }

    @Override
    public void stop() throws Exception {
        if (factory != null) {
            factory.close();
        }
        if (broker != null) {
            broker.stop();
        }
        if (instanceDirectory != null) {
            deleteRecursively(instanceDirectory);
        }
    }

    /** Deletes {@code root} and everything under it. */
    static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
