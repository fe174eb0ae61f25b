package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator sends dead letters (and expired messages) back to where they came from with
 * {@link DeadLetters#retry}: each arrives on its original destination with its body, properties
 * and headers, without the broker's {@code JMS_FerryMQ_} annotations; what has no origin stays.
 */
class DeadLettersTest {

    private final String name = "dead-letters-" + UUID.randomUUID();
    private final FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);

    @BeforeEach
    void start() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().maxDeliveryAttempts(1)
                .destinationPolicy("#", "autoCreateExpiryQueue", "true"));
    }

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    @Test
    void retryMovesDeadLettersBackToTheirQueuesWithTheirPropertiesAndWithoutTheAnnotations() throws Exception {
        int count = 250; // more than one transaction of the retry
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Queue orders = s.createQueue("orders");
            Queue replies = s.createQueue("replies");
            MessageProducer producer = s.createProducer(orders);
            producer.setPriority(6);
            for (int i = 0; i < count; i++) {
                TextMessage m = s.createTextMessage("order " + i);
                m.setIntProperty("n", i);
                m.setStringProperty("customer", "acme");
                m.setJMSType("order");
                m.setJMSCorrelationID("corr-" + i);
                m.setJMSReplyTo(replies);
                producer.send(m);
            }
            s.createProducer(s.createQueue("invoices")).send(s.createTextMessage("invoice"));
            s.commit();
            deadLetterAll(s, "orders", count);
            deadLetterAll(s, "invoices", 1);

            assertEquals(count + 1, DeadLetters.retry(factory, "DLQ", null));

            try (MessageConsumer consumer = s.createConsumer(orders)) {
                for (int i = 0; i < count; i++) {
                    Message m = consumer.receive(5000);
                    assertNotNull(m, "only " + i + " of " + count + " dead letters came back");
                    assertEquals("order " + i, ((TextMessage) m).getText());
                    assertEquals(i, m.getIntProperty("n"));
                    assertEquals("acme", m.getStringProperty("customer"));
                    assertEquals(6, m.getJMSPriority());
                    assertEquals("order", m.getJMSType());
                    assertEquals("corr-" + i, m.getJMSCorrelationID());
                    assertEquals(replies, m.getJMSReplyTo());
                    assertEquals(DeliveryMode.PERSISTENT, m.getJMSDeliveryMode());
                    assertEquals(0, m.getJMSExpiration());
                    for (Enumeration<?> names = m.getPropertyNames(); names.hasMoreElements();) {
                        String property = (String) names.nextElement();
                        assertFalse(property.startsWith("JMS_FerryMQ_"), property + " came back with the message");
                    }
                    assertEquals(1, m.getIntProperty("JMSXDeliveryCount"), "it starts over on its queue");
                }
                assertNull(consumer.receive(100));
                s.commit();
            }
            assertEquals("invoice", ((TextMessage) receive(s, "invoices")).getText());
            s.commit();
            assertNull(receiveOrNull(s, "DLQ"), "a retried message is still on the dead-letter queue");
        }
    }

    @Test
    void aMessageWithoutAnOriginStaysOnTheDeadLetterQueueAndIsReported() throws Exception {
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue("orders")).send(s.createTextMessage("dead"));
            TextMessage plain = s.createTextMessage("sent straight to the dead-letter queue");
            s.createProducer(s.createQueue("DLQ")).send(plain);
            s.commit();
            deadLetterAll(s, "orders", 1);

            List<String> reported = new ArrayList<>();
            int retried;
            try (Connection operator = factory.createConnection()) {
                retried = DeadLetters.retry(operator, "DLQ", null, reported::add);
            }
            assertEquals(1, retried);
            assertEquals(1, reported.size(), reported.toString());
            assertTrue(reported.get(0).contains(plain.getJMSMessageID()), reported.get(0));
            assertTrue(reported.get(0).contains("JMS_FerryMQ_OriginalDestination"), reported.get(0));
            assertEquals("dead", ((TextMessage) receive(s, "orders")).getText());
            assertEquals(plain.getText(), ((TextMessage) receive(s, "DLQ")).getText());
            s.commit();
        }
    }

    @Test
    void aSelectorChoosesTheDeadLettersThatGoBack() throws Exception {
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue("orders")).send(s.createTextMessage("order"));
            s.createProducer(s.createQueue("invoices")).send(s.createTextMessage("invoice"));
            s.commit();
            deadLetterAll(s, "orders", 1);
            deadLetterAll(s, "invoices", 1);

            assertEquals(1, DeadLetters.retry(factory, "DLQ", "JMS_FerryMQ_OriginalDestination = 'invoices'"));
            assertEquals("invoice", ((TextMessage) receive(s, "invoices")).getText());
            assertNull(receiveOrNull(s, "orders"));
            assertEquals("order", ((TextMessage) receive(s, "DLQ")).getText(), "not selected, yet moved");
            s.commit();

            assertThrows(InvalidSelectorException.class, () -> DeadLetters.retry(factory, "DLQ", "n = = 1"));
        }
    }

    @Test
    void retryTakesExpiredMessagesBackWithoutAnExpirationAndTopicMessagesToTheirTopic() throws Exception {
        try (Connection c = factory.createConnection()) {
            c.setClientID("reader");
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            Topic news = s.createTopic("news");
            MessageConsumer subscriber = s.createDurableSubscriber(news, "all");
            s.createProducer(news).send(s.createTextMessage("headline"));
            MessageProducer late = s.createProducer(s.createQueue("orders"));
            late.setTimeToLive(100);
            TextMessage expiring = s.createTextMessage("late order");
            late.send(expiring);
            s.commit();
            assertNotNull(subscriber.receive(5000));
            s.rollback(); // the topic message is dead-lettered
            while (System.currentTimeMillis() <= expiring.getJMSExpiration()) {
                Thread.sleep(20);
            }
            assertNull(receiveOrNull(s, "orders"), "an expired message was delivered");
            assertNotNull(receive(s, "Expiry.orders"), "the expired message did not reach its expiry queue");
            s.rollback(); // leave it there

            assertEquals(1, DeadLetters.retry(factory, "Expiry.orders", null));
            Message back = receive(s, "orders");
            assertEquals("late order", ((TextMessage) back).getText());
            assertEquals(0, back.getJMSExpiration(), "it would expire again at once");
            assertEquals(1, DeadLetters.retry(factory, "DLQ", null));
            Message again = subscriber.receive(5000);
            assertNotNull(again, "the topic message did not come back to the subscription");
            assertEquals("headline", ((TextMessage) again).getText());
            s.commit();
        }
    }

    @Test
    void aDeadLetterQueueNameIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadLetters.retry(factory, " ", null));
        assertTrue(e.getMessage().contains("dead-letter queue"), e.getMessage());
    }

    /** Receives {@code count} messages from {@code queue} and rolls back: with maxDeliveryAttempts=1 all are dead letters. */
    private static void deadLetterAll(Session s, String queue, int count) throws Exception {
        try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
            for (int i = 0; i < count; i++) {
                assertNotNull(consumer.receive(5000), "message " + i + " of " + queue + " did not come");
            }
            s.rollback();
        }
    }

    private static Message receive(Session s, String queue) throws Exception {
        Message m = receiveOrNull(s, queue);
        assertNotNull(m, "nothing on " + queue);
        return m;
    }

    private static Message receiveOrNull(Session s, String queue) throws Exception {
        try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
            return consumer.receive(1000);
        }
    }
}
