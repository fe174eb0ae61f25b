package org.ferrymq.broker;

import static org.ferrymq.broker.DeadLetterAnnotationsTest.receiveAny;
import static org.ferrymq.broker.DeadLetterAnnotationsTest.receiveOne;
import static org.ferrymq.broker.DeadLetterAnnotationsTest.rollBackDeliveries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.BrokerCore;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A message whose time to live has passed is never delivered: it moves to the expiry queue its
 * destination's policy names ({@code expiryQueue}, or {@code Expiry.<destination>} with
 * {@code autoCreateExpiryQueue}), annotated like a dead letter with the reason {@code expired}
 * and its former JMSExpiration, and without an expiration of its own there; without an expiry
 * queue it is dropped. Messages on dead-letter and expiry queues are never moved again.
 */
class ExpiryTest {

    private final String name = "expiry-test-" + UUID.randomUUID();
    private final FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
    private Broker broker;

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    private void start(BrokerConfig config) throws Exception {
        broker = BrokerCore.of(EmbeddedBroker.start(config));
    }

    private long expiredOn(String queue) throws Exception {
        return broker.queue(DestinationName.queue(queue), false).expiredCount();
    }

    @Test
    void anExpiredMessageGoesToTheExpiryQueueWithTheAnnotationsAndNoExpiration() throws Exception {
        start(new BrokerConfig(name).memoryJournal().destinationPolicy("orders", "expiryQueue", "late.orders"));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue orders = s.createQueue("orders");
            MessageProducer producer = s.createProducer(orders);
            producer.setTimeToLive(100);
            TextMessage persistent = s.createTextMessage("persistent");
            persistent.setStringProperty("customer", "acme");
            producer.send(persistent);
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            TextMessage memoryOnly = s.createTextMessage("non-persistent");
            producer.send(memoryOnly);
            waitUntilExpired(memoryOnly);

            assertNull(receiveAny(s, "orders", 300), "an expired message was delivered");
            for (TextMessage sent : new TextMessage[] {persistent, memoryOnly}) {
                Message moved = receiveOne(s, "late.orders");
                assertEquals(sent.getText(), ((TextMessage) moved).getText());
                assertEquals(sent.getJMSDeliveryMode(), moved.getJMSDeliveryMode());
                assertEquals("orders", moved.getObjectProperty("JMS_FerryMQ_OriginalDestination"));
                assertEquals("queue", moved.getObjectProperty("JMS_FerryMQ_OriginalDestinationType"));
                assertEquals(sent.getJMSMessageID(), moved.getObjectProperty("JMS_FerryMQ_OriginalMessageID"));
                assertEquals("expired", moved.getObjectProperty("JMS_FerryMQ_DeadLetterReason"));
                assertEquals(0, moved.getObjectProperty("JMS_FerryMQ_DeliveryCount"));
                assertEquals(sent.getJMSExpiration(), moved.getObjectProperty("JMS_FerryMQ_OriginalExpiration"));
                assertTrue(moved.getObjectProperty("JMS_FerryMQ_DeadLetterTime") instanceof Long);
                assertEquals(0, moved.getJMSExpiration(), "it would expire again on the expiry queue");
                assertEquals(sent.getStringProperty("customer"), moved.getStringProperty("customer"));
            }
            assertEquals(2, expiredOn("orders"));
        }
    }

    @Test
    void aDestinationsOwnExpiryQueueIsCreatedForIt() throws Exception {
        start(new BrokerConfig(name).memoryJournal().destinationPolicy("orders.#", "autoCreateExpiryQueue", "true"));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("orders.eu"));
            producer.setTimeToLive(100);
            TextMessage sent = s.createTextMessage("late");
            producer.send(sent);
            waitUntilExpired(sent);
            assertNull(receiveAny(s, "orders.eu", 300));
            Message moved = receiveOne(s, "Expiry.orders.eu");
            assertEquals("late", ((TextMessage) moved).getText());
            assertEquals("orders.eu", moved.getStringProperty("JMS_FerryMQ_OriginalDestination"));
        }
    }

    @Test
    void withoutAnExpiryQueueAnExpiredMessageIsDropped() throws Exception {
        start(new BrokerConfig(name).memoryJournal());
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("orders"));
            producer.setTimeToLive(100);
            TextMessage sent = s.createTextMessage("late");
            producer.send(sent);
            producer.setTimeToLive(0);
            producer.send(s.createTextMessage("in time"));
            waitUntilExpired(sent);
            try (MessageConsumer consumer = s.createConsumer(s.createQueue("orders"))) {
                Message m = consumer.receive(5000);
                assertEquals("in time", ((TextMessage) m).getText());
                assertNull(consumer.receive(200));
            }
            assertEquals(1, expiredOn("orders"));
            assertFalse(broker.exists(DestinationName.queue("Expiry.orders")), "an expiry queue nobody asked for");
        }
    }

    @Test
    void anExpiredTopicMessageNamesItsSubscription() throws Exception {
        start(new BrokerConfig(name).memoryJournal().destinationPolicy("prices", "autoCreateExpiryQueue", "true"));
        try (Connection c = factory.createConnection()) {
            c.setClientID("watcher");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Topic prices = s.createTopic("prices");
            s.createDurableSubscriber(prices, "ticks").close();
            MessageProducer producer = s.createProducer(prices);
            producer.setTimeToLive(100);
            TextMessage sent = s.createTextMessage("41.9");
            producer.send(sent);
            waitUntilExpired(sent);
            try (MessageConsumer ticks = s.createDurableSubscriber(prices, "ticks")) {
                assertNull(ticks.receive(300), "an expired message was delivered");
            }
            Message moved = receiveOne(s, "Expiry.prices");
            assertEquals("prices", moved.getStringProperty("JMS_FerryMQ_OriginalDestination"));
            assertEquals("topic", moved.getStringProperty("JMS_FerryMQ_OriginalDestinationType"));
            assertEquals("sub:watcher:ticks", moved.getStringProperty("JMS_FerryMQ_OriginalSubscription"));
            assertEquals(1, broker.existingSubscription("watcher", "ticks").queue.expiredCount());
        }
    }

    @Test
    void aDeadLetterPastItsOriginalExpirationStaysOnTheDeadLetterQueue() throws Exception {
        start(new BrokerConfig(name).memoryJournal().maxDeliveryAttempts(1)
                .destinationPolicy("#", "autoCreateExpiryQueue", "true"));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue orders = s.createQueue("orders");
            MessageProducer producer = s.createProducer(orders);
            producer.setTimeToLive(2000); // long enough to be dead-lettered first
            TextMessage sent = s.createTextMessage("poison");
            producer.send(sent);
            s.commit();
            rollBackDeliveries(s, orders, 1);
            waitUntilExpired(sent);

            assertNotNull(receiveAny(s, "DLQ", 2000), "a dead letter expired on the dead-letter queue: lost");
            s.commit();
            assertEquals(0, expiredOn("DLQ"));
            assertFalse(broker.exists(DestinationName.queue("Expiry.DLQ")), "a dead letter moved on by expiry");
            assertNull(receiveAny(s, "Expiry.orders", 200), "a dead letter went to its first queue's expiry queue");
        }
    }

    @Test
    void messagesOnAnExpiryQueueAreNeverDeadLetteredNorExpireAgain() throws Exception {
        start(new BrokerConfig(name).memoryJournal().maxDeliveryAttempts(1)
                .destinationPolicy("#", "autoCreateExpiryQueue", "true"));
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("orders"));
            producer.setTimeToLive(100);
            TextMessage sent = s.createTextMessage("late");
            producer.send(sent);
            s.commit();
            waitUntilExpired(sent);
            assertNull(receiveAny(s, "orders", 300));

            Queue expired = s.createQueue("Expiry.orders");
            rollBackDeliveries(s, expired, 3); // past maxDeliveryAttempts: it stays
            Message m = receiveOne(s, "Expiry.orders");
            assertEquals("late", ((TextMessage) m).getText());
            s.commit();
            assertNull(receiveAny(s, "DLQ", 200), "a message of an expiry queue was dead-lettered");
        }
    }

    /** Waits (a condition, not a timing assertion) until {@code sent} has expired by this machine's clock. */
    static void waitUntilExpired(Message sent) throws Exception {
        long expiration = sent.getJMSExpiration();
        assertTrue(expiration > 0, "the message does not expire");
        while (System.currentTimeMillis() <= expiration) {
            Thread.sleep(20);
        }
    }
}
