package org.ferrymq.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.jndi.FerryInitialContextFactory;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.Transport;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client reaches its broker through the transport its URL's scheme names, and only through it. */
class TransportFactoryTest {

    private final String broker = "transport-factory-" + UUID.randomUUID();

    @AfterEach
    void stopBroker() {
        TransportFactory.unregister(Recording.SCHEME);
        Recording.commands.clear();
        EmbeddedBroker.stop(broker);
    }

    @Test
    void anUnknownSchemeIsRefusedNamingItAndTheSchemesThereAre() {
        for (String url : List.of("amqp://localhost:5672", "nosuch://x?password=secret")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new FerryConnectionFactory(url));
            String scheme = url.substring(0, url.indexOf(':'));
            assertTrue(refused.getMessage().contains("'" + scheme + "'") && refused.getMessage().contains("vm://NAME"),
                    refused.getMessage());
            assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new FerryXAConnectionFactory(url));
        }
    }

    @Test
    void aJndiConnectionFactoryWithAnUnknownSchemeIsRefusedNamingItsKeyAndTheScheme() {
        Hashtable<String, String> environment = new Hashtable<>();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, FerryInitialContextFactory.class.getName());
        environment.put("connectionFactory.Remote", "amqp://localhost:5672");
        NamingException refused = assertThrows(NamingException.class, () -> new InitialContext(environment));
        assertTrue(refused.getMessage().contains("connectionFactory.Remote") && refused.getMessage().contains("'amqp'"),
                refused.getMessage());
    }

    @Test
    void aVmUrlStillReachesItsEmbeddedBroker() {
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + broker + "?journal=memory");
        try (JMSContext context = factory.createContext()) {
            Queue queue = context.createQueue("orders");
            context.createProducer().send(queue, "by vm");
            assertEquals("by vm", context.createConsumer(queue).receiveBody(String.class, 5_000));
        }
    }

    @Test
    void theProviderIsChosenByTheScheme() throws Exception {
        TransportFactory.register(Recording.SCHEME, Recording.class.getName(), Recording.SCHEME + "://NAME");
        String url = Recording.SCHEME + "://" + broker + "?journal=memory";
        assertTrue(TransportFactory.providerFor(ConnectionUrl.parse(url)) instanceof Recording);

        try (JMSContext context = new FerryConnectionFactory(url).createContext()) {
            Queue queue = context.createQueue("orders");
            context.createProducer().send(queue, "through the recording transport");
            assertEquals("through the recording transport",
                    context.createConsumer(queue).receiveBody(String.class, 5_000));
        }
        assertTrue(Recording.commands.stream().anyMatch(c -> c instanceof Command.OpenConnection),
                "the connection was not opened through the recording transport: " + Recording.commands);
        assertTrue(Recording.commands.stream().anyMatch(c -> c instanceof Command.Send),
                "the message was not sent through the recording transport: " + Recording.commands);
    }

    @Test
    void aSchemeWhoseProviderCannotBeLoadedSaysWhichClass() {
        TransportFactory.register(Recording.SCHEME, "org.ferrymq.transport.missing.MissingProvider", "x://");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new FerryConnectionFactory(Recording.SCHEME + "://anywhere"));
        assertTrue(refused.getMessage().contains("org.ferrymq.transport.missing.MissingProvider"), refused.getMessage());
    }

    /**
     * A transport that records each command and passes it on to the {@code vm://} transport of
     * the same name: a decorator, as failover will be.
     */
    public static final class Recording implements TransportProvider {

        static final String SCHEME = "recording";
        static final List<Command<?>> commands = new CopyOnWriteArrayList<>();

        @Override
        public Transport create(ConnectionUrl url) throws JMSException {
            Transport inner = TransportFactory.create(ConnectionUrl.parse("vm" + url.url().substring(SCHEME.length())));
            return new Transport() {
                @Override
                public <R> R request(Command<R> command) throws JMSException {
                    commands.add(command);
                    return inner.request(command);
                }

                @Override
                public void setClientChannel(ClientChannel channel) {
                    inner.setClientChannel(channel);
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }
}
