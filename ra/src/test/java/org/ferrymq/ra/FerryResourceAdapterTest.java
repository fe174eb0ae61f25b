package org.ferrymq.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.resource.ResourceException;
import java.util.Set;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter's embedded broker: started on first use with the adapter's settings, and only those;
 * started again, for connections and activations alike, when it stopped under the adapter.
 */
class FerryResourceAdapterTest {

    private final String name = "ra-broker-test-" + UUID.randomUUID();
    private final FerryResourceAdapter adapter = new FerryResourceAdapter();

    @AfterEach
    void stop() {
        adapter.stop();
        EmbeddedBroker.stop(name);
    }

    private void configure() throws ResourceException {
        adapter.setBrokerName(name);
        adapter.setBrokerProperties("journal=memory;queues=orders;autoCreateDestinations=false");
        adapter.start(null);
    }

    @Test
    void aBrokerStoppedUnderTheAdapterComesBackWithTheAdaptersSettings() throws ResourceException {
        configure();
        assertEquals("vm://" + name, adapter.connectionUrl());
        EmbeddedBroker.stop(name); // as when its journal fails beyond repair

        adapter.connectionUrl();
        BrokerConfig settings = EmbeddedBroker.running(name).orElseThrow().settings();
        assertEquals(Set.of("orders"), settings.queues(), "the broker came back without the adapter's settings");
        assertEquals(BrokerConfig.JournalKind.MEMORY, settings.journalKind());
    }

    @Test
    void anActivationWhoseEmbeddedBrokerStoppedDeliversAgainOnceTheAdapterStartsItAgain() throws Exception {
        configure();
        RecordingBean bean = new RecordingBean("Bean-" + UUID.randomUUID());
        FerryActivationSpec spec = new FerryActivationSpec();
        spec.setDestination("orders");
        spec.setDestinationType(FerryActivationSpec.QUEUE);
        spec.setReconnectDelay(50);
        spec.setMaxReconnectDelay(200);
        adapter.endpointActivation(bean, spec);
        try {
            send("before");
            assertEquals("before", bean.next());

            EmbeddedBroker.stop(name); // as when its journal fails beyond repair

            send("after"); // the adapter starts its broker again for this connection, or for the reconnect
            assertEquals("after", bean.next(), "the activation did not deliver from the restarted broker");
        } finally {
            adapter.endpointDeactivation(bean, spec);
        }
    }

    private void send(String text) throws Exception {
        try (Connection connection = new FerryConnectionFactory(adapter.connectionUrl()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("orders")).send(session.createTextMessage(text));
        }
    }

    @Test
    void aBrokerOfTheSameNameStartedOutsideTheAdapterIsRefused() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal());
        configure();
        ResourceException e = assertThrows(ResourceException.class, adapter::connectionUrl);
        assertTrue(e.getMessage().contains("outside the adapter"), e.getMessage());
    }
}
