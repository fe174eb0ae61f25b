package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicSubscriptionTest {

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker();

    private Connection withClientId(String clientId) throws JMSException {
        Connection connection = broker.connection();
        connection.setClientID(clientId);
        connection.start();
        return connection;
    }

    private static void publish(Session session, Topic topic, String... bodies) throws JMSException {
        MessageProducer producer = session.createProducer(topic);
        for (String body : bodies) {
            producer.send(session.createTextMessage(body));
        }
    }

    private static String text(Message m) throws JMSException {
        return m == null ? null : ((TextMessage) m).getText();
    }

    @Test
    void everySubscriberGetsEveryMessage() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("news");
        MessageConsumer a = session.createConsumer(topic);
        MessageConsumer b = session.createConsumer(topic);
        publish(session, topic, "one", "two");
        assertEquals("one", text(a.receive(1000)));
        assertEquals("two", text(a.receive(1000)));
        assertEquals("one", text(b.receive(1000)));
        assertEquals("two", text(b.receive(1000)));
    }

    @Test
    void aMessagePublishedWithNoSubscriberIsNotKept() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("nobody");
        publish(session, topic, "lost");
        assertNull(session.createConsumer(topic).receive(100));
    }

    @Test
    void durableSubscriptionKeepsMessagesWhileDisconnected() throws Exception {
        Connection connection = withClientId("durable-client");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("prices");
        session.createDurableSubscriber(topic, "ticker").close();
        publish(session, topic, "while away 1", "while away 2");
        MessageConsumer back = session.createDurableSubscriber(topic, "ticker");
        assertEquals("while away 1", text(back.receive(1000)));
        assertEquals("while away 2", text(back.receive(1000)));
        back.close();
        session.unsubscribe("ticker");
        publish(session, topic, "after unsubscribe");
        MessageConsumer fresh = session.createDurableSubscriber(topic, "ticker");
        assertNull(fresh.receive(100), "a new subscription starts empty");
    }

    @Test
    void reSubscribingWithAnotherSelectorReplacesTheDurableSubscription() throws Exception {
        Connection connection = withClientId("resubscriber");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("resub");
        session.createDurableSubscriber(topic, "sub").close();
        publish(session, topic, "old");
        MessageConsumer replaced = session.createDurableSubscriber(topic, "sub", "colour = 'red'", false);
        assertNull(replaced.receive(100), "the replaced subscription's messages are gone");
        MessageProducer producer = session.createProducer(topic);
        TextMessage red = session.createTextMessage("red one");
        red.setStringProperty("colour", "red");
        producer.send(session.createTextMessage("no colour"));
        producer.send(red);
        assertEquals("red one", text(replaced.receive(1000)));
    }

    @Test
    void unsubscribingAnActiveDurableSubscriptionIsRefused() throws Exception {
        Connection connection = withClientId("active-unsub");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("t");
        MessageConsumer consumer = session.createDurableSubscriber(topic, "busy");
        assertThrows(IllegalStateException.class, () -> session.unsubscribe("busy"));
        consumer.close();
        session.unsubscribe("busy");
        assertThrows(InvalidDestinationException.class, () -> session.unsubscribe("busy"));
    }

    @Test
    void aSecondConsumerOnAnUnsharedDurableSubscriptionIsRefused() throws Exception {
        Connection connection = withClientId("twice");
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("t2");
        session.createDurableSubscriber(topic, "once");
        assertThrows(IllegalStateException.class, () -> session.createDurableSubscriber(topic, "once"));
    }

    @Test
    void anUnsharedDurableSubscriptionNeedsAClientId() throws Exception {
        Session session = broker.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(IllegalStateException.class,
                () -> session.createDurableSubscriber(session.createTopic("t3"), "anon"));
    }

    @Test
    void sharedSubscriptionSplitsMessagesBetweenItsConsumers() throws Exception {
        Connection connection = broker.startedConnection();
        Session s1 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = s1.createTopic("shared");
        MessageConsumer c1 = s1.createSharedConsumer(topic, "workers");
        MessageConsumer c2 = s2.createSharedConsumer(topic, "workers");
        publish(s1, topic, "a", "b", "c", "d");
        int received = 0;
        while (c1.receive(200) != null) {
            received++;
        }
        int first = received;
        while (c2.receive(200) != null) {
            received++;
        }
        assertEquals(4, received, "each message once across the shared subscription");
        assertTrue(first > 0 && first < 4, "both consumers got messages: first had " + first);
    }

    @Test
    void sharedDurableSubscriptionNeedsNoClientIdAndKeepsMessages() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("shared-durable");
        session.createSharedDurableConsumer(topic, "archive").close();
        publish(session, topic, "kept");
        assertEquals("kept", text(session.createSharedDurableConsumer(topic, "archive").receive(1000)));
    }

    @Test
    void noLocalSubscriberDoesNotSeeItsOwnConnectionsMessages() throws Exception {
        Connection mine = broker.startedConnection();
        Connection other = broker.startedConnection();
        Session session = mine.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("chat");
        MessageConsumer noLocal = session.createConsumer(topic, null, true);
        publish(session, topic, "from me");
        Session otherSession = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
        publish(otherSession, topic, "from them");
        assertEquals("from them", text(noLocal.receive(1000)));
        assertNull(noLocal.receive(100));
    }

    @Test
    void aClientIdInUseIsRefused() throws Exception {
        withClientId("unique");
        Connection second = broker.connection();
        assertThrows(InvalidClientIDException.class, () -> second.setClientID("unique"));
    }

    @Test
    void topicSelectorsFilterPerSubscriber() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("filtered");
        MessageConsumer big = session.createConsumer(topic, "size > 10");
        MessageProducer producer = session.createProducer(topic);
        for (int size : new int[] {5, 50}) {
            Message m = session.createTextMessage("size " + size);
            m.setIntProperty("size", size);
            producer.send(m);
        }
        assertEquals("size 50", text(big.receive(1000)));
        assertNull(big.receive(100));
        assertNotNull(producer);
    }
}
