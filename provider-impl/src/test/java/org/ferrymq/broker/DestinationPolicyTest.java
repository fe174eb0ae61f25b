package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.DestinationPattern;
import org.ferrymq.api.DestinationPolicy;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Destination settings by name pattern: the most specific matching pattern that sets a setting
 * wins, setting by setting; what no pattern sets comes from the broker's settings or the default;
 * a bad setting fails naming it; a running broker takes changed policies without a restart.
 */
class DestinationPolicyTest {

    private final String name = "policy-" + UUID.randomUUID();

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    @Test
    void aWordBeatsAStarWhichBeatsAHashSegmentBySegmentFromTheLeft() {
        List<DestinationPattern> patterns = new ArrayList<>(List.of(DestinationPattern.of("#"),
                DestinationPattern.of("orders.#"), DestinationPattern.of("orders.*"), DestinationPattern.of("orders.eu"),
                DestinationPattern.of("*.eu")));
        patterns.sort(DestinationPattern.MOST_SPECIFIC_FIRST);
        assertEquals("[orders.eu, orders.*, orders.#, *.eu, #]", patterns.toString());
        assertTrue(patterns.stream().allMatch(p -> p.matches("orders.eu")));
        assertTrue(DestinationPattern.of("orders.#").matches("orders"));
        assertFalse(DestinationPattern.of("orders.*").matches("orders"));
        assertFalse(DestinationPattern.of("orders.*").matches("orders.eu.paris"));
    }

    @Test
    void eachSettingComesFromTheMostSpecificPatternThatSetsIt() {
        Properties file = new Properties();
        file.setProperty("maxDeliveryAttempts", "7");
        file.setProperty("destination.#.redeliveryDelay", "100");
        file.setProperty("destination.orders.#.redeliveryDelay", "1000");
        file.setProperty("destination.orders.#.redeliveryMultiplier", "2");
        file.setProperty("destination.orders.eu.redeliveryDelay", "5000");
        file.setProperty("destination.orders.eu.autoCreateDeadLetterQueue", "true");
        BrokerConfig config = BrokerConfig.fromProperties(name, file);

        DestinationPolicy eu = config.destinationPolicyFor("orders.eu");
        assertEquals(5000, eu.redeliveryDelay());
        assertEquals(2.0, eu.redeliveryMultiplier());
        assertEquals(50_000, eu.maxRedeliveryDelay(), "ten times the delay when not set");
        assertEquals(7, eu.maxDeliveryAttempts(), "the broker's setting when no pattern sets it");
        assertEquals("DLQ.orders.eu", eu.deadLetterQueueFor("orders.eu"));

        DestinationPolicy us = config.destinationPolicyFor("orders.us");
        assertEquals(1000, us.redeliveryDelay());
        assertEquals("DLQ", us.deadLetterQueueFor("orders.us"));

        DestinationPolicy other = config.destinationPolicyFor("invoices");
        assertEquals(100, other.redeliveryDelay());
        assertEquals(1.0, other.redeliveryMultiplier());
        assertNull(other.expiryQueueFor("invoices"), "expired messages are dropped by default");
    }

    @Test
    void theDelayGrowsByTheMultiplierUpToItsMaximum() {
        DestinationPolicy policy = new BrokerConfig(name).destinationPolicy("#", "redeliveryDelay", "100")
                .destinationPolicy("#", "redeliveryMultiplier", "3").destinationPolicy("#", "maxRedeliveryDelay", "2000")
                .destinationPolicyFor("q");
        assertEquals(100, policy.redeliveryDelayAfter(1));
        assertEquals(300, policy.redeliveryDelayAfter(2));
        assertEquals(900, policy.redeliveryDelayAfter(3));
        assertEquals(2000, policy.redeliveryDelayAfter(4));
        assertEquals(2000, policy.redeliveryDelayAfter(40));

        DestinationPolicy jittered = new BrokerConfig(name).destinationPolicy("#", "redeliveryDelay", "1000")
                .destinationPolicy("#", "redeliveryJitter", "0.5").destinationPolicyFor("q");
        for (int i = 0; i < 100; i++) {
            long delay = jittered.redeliveryDelayAfter(1);
            assertTrue(delay >= 500 && delay <= 1500, delay + " ms is not within half of 1000 ms");
        }
    }

    @Test
    void aBadSettingFailsNamingIt() {
        Properties unknown = new Properties();
        unknown.setProperty("destination.orders.#.redeliveryDelai", "100");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfig.fromProperties(name, unknown));
        assertTrue(e.getMessage().contains("Unknown destination setting 'redeliveryDelai'"), e.getMessage());
        assertTrue(e.getMessage().contains("redeliveryDelay"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new BrokerConfig(name).destinationPolicy("orders.#", "redeliveryMultiplier", "0.5"));
        assertTrue(e.getMessage().contains("'redeliveryMultiplier' takes a number from 1 to 1000"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> new BrokerConfig(name).destinationPolicy("ord*", "redeliveryDelay", "1"));
        assertTrue(e.getMessage().contains("'ord*'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new BrokerConfig(name)
                .destinationPolicy("orders", "redeliveryDelay", "1000").destinationPolicy("orders", "maxRedeliveryDelay", "10"));
        assertTrue(e.getMessage().contains("destination.orders.maxRedeliveryDelay"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> new BrokerConfig(name).set("destination.x", "1"));
        assertTrue(e.getMessage().contains("destination.PATTERN.SETTING"), e.getMessage());
    }

    @Test
    void maxDeliveryAttemptsAndTheDeadLetterQueueApplyPerPatternAndChangeWhileTheBrokerRuns() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start(new BrokerConfig(name).memoryJournal()
                .destinationPolicy("orders.#", "maxDeliveryAttempts", "2")
                .destinationPolicy("orders.#", "autoCreateDeadLetterQueue", "true"));
        try (Connection connection = new FerryConnectionFactory("vm://" + name).createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            assertEquals(2, roundsToDeadLetter(session, "orders.eu", "DLQ.orders.eu"));
            assertEquals(10, roundsToDeadLetter(session, "invoices", "DLQ"), "the broker's default elsewhere");

            broker.updateDestinationPolicies(new BrokerConfig(name).destinationPolicy("invoices", "maxDeliveryAttempts",
                    "3").destinationPolicy("invoices", "deadLetterQueue", "invoices.dead"));
            assertEquals(3, roundsToDeadLetter(session, "invoices", "invoices.dead"));
            assertEquals(10, roundsToDeadLetter(session, "orders.eu", "DLQ"), "the old policy is gone");
        }
    }

    /** Sends one message, rolls back its receipt until it is gone; answers the deliveries it had, checking where it went. */
    private static int roundsToDeadLetter(Session session, String queue, String deadLetterQueue) throws Exception {
        String text = "to " + queue + " " + UUID.randomUUID();
        session.createProducer(session.createQueue(queue)).send(session.createTextMessage(text));
        session.commit();
        int deliveries = 0;
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            while (consumer.receive(500) != null) {
                deliveries++;
                session.rollback();
            }
        }
        try (MessageConsumer dead = session.createConsumer(session.createQueue(deadLetterQueue))) {
            Message m = dead.receive(2000);
            assertNotNull(m, "nothing on " + deadLetterQueue);
            assertEquals(text, ((jakarta.jms.TextMessage) m).getText());
            session.commit();
        }
        return deliveries;
    }
}
