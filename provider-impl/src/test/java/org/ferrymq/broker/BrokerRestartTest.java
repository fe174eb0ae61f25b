package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.MemoryJournal;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.Test;

/**
 * What a broker rebuilds from its journal on start: queues with their persistent messages
 * in order, durable subscriptions with theirs; never non-persistent or acknowledged ones.
 */
class BrokerRestartTest {

    private static void start(String name, MemoryJournal journal) throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).journal(journal));
    }

    @Test
    void aDeadLetteredPersistentMessageSurvivesARestartOnTheDeadLetterQueue() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        String name = "dlq-restart-test";
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
        EmbeddedBroker.start(new BrokerConfig(name).journal(journal).maxDeliveryAttempts(2));
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            var work = session.createQueue("work");
            session.createProducer(work).send(session.createTextMessage("poison"));
            MessageConsumer consumer = session.createConsumer(work);
            for (int attempt = 1; attempt <= 2; attempt++) {
                assertEquals("poison", ((TextMessage) consumer.receive(1000)).getText());
                session.recover();
            }
            assertNull(consumer.receive(100), "delivered more often than maxDeliveryAttempts");
        }
        EmbeddedBroker.stop(name);

        start(name, journal);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertNull(session.createConsumer(session.createQueue("work")).receive(100));
            Message dead = session.createConsumer(session.createQueue("DLQ")).receive(1000);
            assertNotNull(dead, "the dead-lettered message did not survive the restart");
            assertEquals("poison", ((TextMessage) dead).getText());
        } finally {
            EmbeddedBroker.stop(name);
        }
    }

    @Test
    void persistentMessagesAndDurableSubscriptionsSurviveARestart() throws Exception {
        MemoryJournal journal = new MemoryJournal();
        String name = "restart-test";
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name + "?clientID=restarter");
        start(name, journal);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var queue = session.createQueue("kept");
            Topic topic = session.createTopic("feed");
            session.createDurableSubscriber(topic, "sub").close();
            MessageProducer producer = session.createProducer(null);
            for (int i = 0; i < 5; i++) {
                producer.send(queue, session.createTextMessage("p" + i));
            }
            producer.send(queue, session.createTextMessage("gone"), DeliveryMode.NON_PERSISTENT, 4, 0);
            producer.send(topic, session.createTextMessage("to subscriber"));
            MessageConsumer consumer = session.createConsumer(queue);
            assertEquals("p0", ((TextMessage) consumer.receive(1000)).getText()); // acknowledged: must not return
        }
        EmbeddedBroker.stop(name);

        start(name, journal);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("kept"));
            for (int i = 1; i < 5; i++) {
                Message m = consumer.receive(1000);
                assertEquals("p" + i, ((TextMessage) m).getText());
            }
            assertNull(consumer.receive(100), "a non-persistent or acknowledged message came back");
            MessageConsumer subscriber = session.createDurableSubscriber(session.createTopic("feed"), "sub");
            assertEquals("to subscriber", ((TextMessage) subscriber.receive(1000)).getText());
        } finally {
            EmbeddedBroker.stop(name);
        }
        assertTrue(journal.messageCount() == 0, "acknowledged messages are forgotten by the journal");
    }
}
