package org.ferrymq.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.resource.ResourceException;
import java.util.Set;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter's embedded broker: started on first use with the adapter's settings, and only those. */
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
    void aBrokerOfTheSameNameStartedOutsideTheAdapterIsRefused() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal());
        configure();
        ResourceException e = assertThrows(ResourceException.class, adapter::connectionUrl);
        assertTrue(e.getMessage().contains("outside the adapter"), e.getMessage());
    }
}
