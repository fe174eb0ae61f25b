package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConnectionRulesTest {

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker("users=alice:secret,bob:pw&requireCredentials=false");

    @RegisterExtension
    final EmbeddedBroker withUsers = new EmbeddedBroker("users=alice:secret");

    @RegisterExtension
    final EmbeddedBroker strict = new EmbeddedBroker("autoCreateDestinations=false&queues=known&requireCredentials=true&users=alice:secret");

    @Test
    void wrongPasswordIsAJMSSecurityException() {
        assertThrows(JMSSecurityException.class, () -> broker.factory().createConnection("alice", "wrong"));
        assertThrows(JMSSecurityException.class, () -> broker.factory().createConnection("mallory", "x"));
    }

    @Test
    void rightCredentialsAndNoCredentialsAreAcceptedWhenCredentialsAreNotRequired() throws Exception {
        assertConnectionWorks(broker.track(broker.factory().createConnection("alice", "secret")), "as alice");
        assertConnectionWorks(broker.connection(), "without credentials");
    }

    /** The connection sends and receives: accepting it meant more than not throwing. */
    private static void assertConnectionWorks(Connection connection, String how) throws JMSException {
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createTemporaryQueue();
        session.createProducer(queue).send(session.createTextMessage("sent " + how));
        TextMessage received = (TextMessage) session.createConsumer(queue).receive(30_000);
        assertNotNull(received, "a connection made " + how + " did not deliver its own message");
        assertEquals("sent " + how, received.getText());
    }

    @Test
    void aBrokerWithUsersRefusesAnonymousConnectionsUnlessToldNotToRequireCredentials() throws Exception {
        JMSSecurityException e = assertThrows(JMSSecurityException.class, () -> withUsers.factory().createConnection());
        assertTrue(e.getMessage().contains("requires a user name and password"), e.getMessage());
        assertConnectionWorks(withUsers.track(withUsers.factory().createConnection("alice", "secret")), "as alice");
    }

    @Test
    void aBrokerThatRequiresCredentialsRefusesAnonymousConnections() throws Exception {
        assertThrows(JMSSecurityException.class, () -> strict.factory().createConnection());
        strict.track(strict.factory().createConnection("alice", "secret"));
    }

    @Test
    void withoutAutoCreateAnUnknownDestinationIsInvalid() throws Exception {
        Connection connection = strict.track(strict.factory().createConnection("alice", "secret"));
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidDestinationException.class, () -> session.createProducer(session.createQueue("unknown")));
        assertThrows(InvalidDestinationException.class, () -> session.createConsumer(session.createQueue("unknown")));
        assertNotNull(session.createProducer(session.createQueue("known")));
    }

    @Test
    void theClientIdCanOnlyBeSetFirst() throws Exception {
        Connection connection = broker.connection();
        connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(IllegalStateException.class, () -> connection.setClientID("late"));
        Connection preset = broker.track(broker.factory("clientID=preset").createConnection());
        assertEquals("preset", preset.getClientID());
        assertThrows(IllegalStateException.class, () -> preset.setClientID("other"));
    }

    @Test
    void aBadSelectorFailsWhenTheConsumerIsCreated() throws Exception {
        Session session = broker.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("sel");
        assertThrows(InvalidSelectorException.class, () -> session.createConsumer(queue, "price >"));
        assertThrows(InvalidSelectorException.class, () -> session.createBrowser(queue, "= 3"));
    }

    @Test
    void nullDestinationsAreInvalid() throws Exception {
        Session session = broker.connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidDestinationException.class, () -> session.createConsumer(null));
        assertThrows(InvalidDestinationException.class, () -> session.createBrowser(null));
        assertThrows(InvalidDestinationException.class, () -> session.createDurableSubscriber(null, "x"));
    }

    @Test
    void metaDataNamesVersionThreeOneAndTheJmsxProperties() throws Exception {
        ConnectionMetaData meta = broker.connection().getMetaData();
        assertEquals("3.1", meta.getJMSVersion());
        assertEquals(3, meta.getJMSMajorVersion());
        assertEquals(1, meta.getJMSMinorVersion());
        List<String> names = Collections.list(meta.getJMSXPropertyNames());
        assertTrue(names.containsAll(List.of("JMSXDeliveryCount", "JMSXGroupID", "JMSXGroupSeq")), names.toString());
    }

    @Test
    void aTemporaryQueueServesOnlyItsConnectionAndDiesWithIt() throws Exception {
        Connection owner = broker.startedConnection();
        Session session = owner.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue temp = session.createTemporaryQueue();
        Connection other = broker.startedConnection();
        Session otherSession = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(JMSException.class, () -> otherSession.createConsumer(temp));
        otherSession.createProducer(temp).send(otherSession.createTextMessage("reply"));
        MessageConsumer consumer = session.createConsumer(temp);
        assertEquals("reply", ((TextMessage) consumer.receive(1000)).getText());
        assertThrows(JMSException.class, temp::delete, "deleted while a consumer uses it");
        consumer.close();
        temp.delete();
        assertThrows(InvalidDestinationException.class,
                () -> otherSession.createProducer(null).send(temp, otherSession.createTextMessage("late")));
        TemporaryQueue second = session.createTemporaryQueue();
        owner.close();
        assertThrows(InvalidDestinationException.class,
                () -> otherSession.createProducer(null).send(second, otherSession.createTextMessage("gone")));
    }

    @Test
    void stopWaitsForARunningListener() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("slow");
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        session.createConsumer(queue).setMessageListener(m -> {
            entered.countDown();
            try {
                release.await(); // the listener runs until the test has seen stop() wait for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        });
        Session producer = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        producer.createProducer(queue).send(producer.createTextMessage("x"));
        assertTrue(entered.await(30, java.util.concurrent.TimeUnit.SECONDS));

        java.util.concurrent.CompletableFuture<Boolean> finishedWhenStopReturned = new java.util.concurrent.CompletableFuture<>();
        Thread stopper = new Thread(() -> {
            try {
                connection.stop();
                finishedWhenStopReturned.complete(finished.get());
            } catch (JMSException e) {
                finishedWhenStopReturned.completeExceptionally(e);
            }
        }, "stopper");
        stopper.start();
        // until stop() is waiting (or, wrongly, has returned while the listener still runs)
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (stopper.getState() != Thread.State.WAITING && stopper.getState() != Thread.State.TIMED_WAITING
                && stopper.getState() != Thread.State.TERMINATED) {
            assertTrue(System.nanoTime() < deadline, "stop() neither waited nor returned within 30 s");
            Thread.sleep(5);
        }
        release.countDown();
        assertTrue(finishedWhenStopReturned.get(30, java.util.concurrent.TimeUnit.SECONDS),
                "stop() returned while the listener was still running");
    }

    @Test
    void tenThousandIdleConsumersDoNotMeanTenThousandThreads() throws Exception {
        Connection connection = broker.startedConnection();
        int before = Thread.activeCount();
        for (int s = 0; s < 100; s++) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            for (int c = 0; c < 100; c++) {
                MessageConsumer consumer = session.createConsumer(session.createQueue("idle-" + s + "-" + c));
                consumer.setMessageListener(m -> { });
            }
        }
        int after = Thread.activeCount();
        assertTrue(after - before < 50, "threads grew from " + before + " to " + after);
    }
}
