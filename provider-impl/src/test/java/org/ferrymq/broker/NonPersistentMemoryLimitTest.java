package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Messages the broker holds in memory only (non-persistent ones, and every message on a
 * temporary queue or a non-durable subscription) are bounded by maxNonPersistentMemory and
 * maxDestinationMemory: a producer faster than its consumers waits for room, or is refused with
 * a ResourceAllocationException, and no accepted message is lost or delivered twice.
 */
class NonPersistentMemoryLimitTest {

    /** Each message carries this many bytes of body: about ten fit in {@link #LIMIT}. */
    private static final int BODY = 10_000;
    private static final long LIMIT = 100_000;

    private final String name = "np-memory-" + UUID.randomUUID();
    private final Opened opened = new Opened();
    private Connection connection;
    private Session session;

    private void start(UnaryOperator<BrokerConfig> settings) throws JMSException {
        EmbeddedBroker.start(settings.apply(new BrokerConfig(name).memoryJournal().maxNonPersistentMemory(LIMIT)));
        connection = newConnection();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private Connection newConnection() throws JMSException {
        Connection started = opened.track(new FerryConnectionFactory("vm://" + name).createConnection());
        started.start();
        return started;
    }

    private Session newSession() throws JMSException {
        return newConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterEach
    void stop() {
        opened.closeAll();
        EmbeddedBroker.stop(name);
    }

    private Message numbered(Session in, int number) throws JMSException {
        BytesMessage message = in.createBytesMessage();
        message.writeBytes(new byte[BODY]);
        message.setIntProperty("n", number);
        return message;
    }

    /** Sends numbered messages from {@code first} until one is refused; answers the refusal and the count sent. */
    private ResourceAllocationException sendUntilRefused(MessageProducer producer, int first, AtomicInteger sent)
            throws JMSException {
        for (int i = first; i < first + 1000; i++) {
            try {
                producer.send(numbered(session, i));
                sent.incrementAndGet();
            } catch (ResourceAllocationException e) {
                return e;
            }
        }
        return fail("1000 non-persistent messages of " + BODY + " bytes were accepted under a limit of " + LIMIT);
    }

    /** Receives exactly the messages numbered {@code from} to {@code to} - 1, in order, and then none. */
    private static void receiveInOrder(MessageConsumer consumer, int from, int to) throws JMSException {
        for (int i = from; i < to; i++) {
            Message message = consumer.receive(10_000);
            assertTrue(message != null, "message " + i + " was lost");
            assertEquals(i, message.getIntProperty("n"));
        }
        assertNull(consumer.receive(200), "a message came twice, or one that was refused was kept");
    }

    @Test
    void withOnFullFailASendPastTheLimitIsRefusedAtOnceAndTheConnectionGoesOn() throws Exception {
        start(config -> config.onFull(BrokerConfig.OnFull.FAIL));
        Queue queue = session.createQueue("fast-producer");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);

        AtomicInteger sent = new AtomicInteger();
        ResourceAllocationException refused = sendUntilRefused(producer, 0, sent);
        String why = refused.getMessage();
        assertTrue(why.contains("queue 'fast-producer'"), why);
        assertTrue(why.contains("limit of " + LIMIT + " bytes (broker setting 'maxNonPersistentMemory')"), why);
        assertTrue(why.contains("'onFull' is fail"), why);
        assertTrue(why.contains("Let consumers catch up"), why);
        int accepted = sent.get();
        assertTrue(accepted >= 5 && accepted < 10, "accepted " + accepted);

        // the same session and connection go on, and every accepted message is delivered once
        receiveInOrder(session.createConsumer(queue), 0, accepted);
    }

    @Test
    void memoryIsGivenBackWhenMessagesAreConsumed() throws Exception {
        start(config -> config.onFull(BrokerConfig.OnFull.FAIL));
        Queue queue = session.createQueue("refilled");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        AtomicInteger sent = new AtomicInteger();
        sendUntilRefused(producer, 0, sent);
        int accepted = sent.get();
        MessageConsumer consumer = session.createConsumer(queue);
        receiveInOrder(consumer, 0, accepted);

        AtomicInteger again = new AtomicInteger();
        sendUntilRefused(producer, accepted, again);
        assertEquals(accepted, again.get(), "the room of consumed messages was not given back");
        receiveInOrder(consumer, accepted, 2 * accepted);
    }

    @Test
    void expiredMessagesGiveTheirMemoryBackWhenTheBrokerDropsThem() throws Exception {
        start(config -> config.onFull(BrokerConfig.OnFull.FAIL));
        Queue queue = session.createQueue("expiring");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        producer.setTimeToLive(100);
        AtomicInteger sent = new AtomicInteger();
        sendUntilRefused(producer, 0, sent);
        Thread.sleep(300); // all of them expire

        MessageConsumer consumer = session.createConsumer(queue); // dispatching drops the expired ones
        assertNull(consumer.receive(200));
        producer.setTimeToLive(0);
        AtomicInteger again = new AtomicInteger();
        sendUntilRefused(producer, 0, again);
        assertEquals(sent.get(), again.get(), "expired messages kept their room");
    }

    /** Fills {@code queue} until a send is refused, drains it, and answers how many it took. */
    private int capacity(Queue queue) throws JMSException {
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        AtomicInteger sent = new AtomicInteger();
        sendUntilRefused(producer, 0, sent);
        MessageConsumer consumer = session.createConsumer(queue);
        receiveInOrder(consumer, 0, sent.get());
        consumer.close();
        return sent.get();
    }

    @Test
    void aDeadLetteredMessageKeepsItsRoomOnTheDeadLetterQueueUntilConsumedThere() throws Exception {
        start(config -> config.onFull(BrokerConfig.OnFull.FAIL).maxDeliveryAttempts(2));
        Queue measured = session.createQueue("measured");
        int empty = capacity(measured);

        Queue poison = session.createQueue("poison");
        MessageProducer producer = session.createProducer(poison);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        producer.send(numbered(session, 0));
        Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer failing = transacted.createConsumer(poison);
        for (int attempt = 0; attempt < 2; attempt++) {
            assertTrue(failing.receive(10_000) != null);
            transacted.rollback();
        }
        failing.close();
        assertEquals(empty - 1, capacity(measured), "the dead-lettered message holds no room");
        Session acknowledging = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Message deadLetter = acknowledging.createConsumer(acknowledging.createQueue("DLQ")).receive(10_000);
        assertEquals(0, deadLetter.getIntProperty("n"));
        deadLetter.acknowledge();
        assertEquals(empty, capacity(measured), "consuming the dead-lettered message gave no room back");
    }

    @Test
    void aBlockedProducerResumesWhenAConsumerDrainsAndNoMessageIsLostOrDuplicated() throws Exception {
        start(config -> config.blockOnFullTimeoutMillis(60_000));
        Queue queue = session.createQueue("blocking");
        int total = 40; // four times what fits
        AtomicInteger sent = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Session producing = newSession();
        Thread producer = new Thread(() -> {
            try {
                MessageProducer p = producing.createProducer(queue);
                p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                for (int i = 0; i < total; i++) {
                    p.send(numbered(producing, i));
                    sent.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "blocked-producer");
        producer.start();

        // the producer stops at the limit, waiting, until a consumer makes room
        awaitWaiting(producer);
        assertTrue(sent.get() < 10, "sent " + sent.get() + " of " + total + " without any consumer");

        receiveInOrder(session.createConsumer(queue), 0, total);
        producer.join(60_000);
        assertNull(failure.get());
        assertEquals(total, sent.get());
    }

    /** Returns once {@code thread} waits (for room), or fails if it ends first. */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            Thread.State state = thread.getState();
            if (state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING) {
                return;
            }
            if (state == Thread.State.TERMINATED) {
                fail("the producer finished without waiting for room");
            }
            Thread.sleep(20);
        }
        fail("the producer never waited for room");
    }

    @Test
    void aProducerThatWaitsPastBlockOnFullTimeoutIsRefusedAndNothingOfItsSendIsKept() throws Exception {
        start(config -> config.blockOnFullTimeoutMillis(200));
        Queue queue = session.createQueue("timed-out");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        AtomicInteger sent = new AtomicInteger();
        ResourceAllocationException refused = sendUntilRefused(producer, 0, sent);
        String why = refused.getMessage();
        assertTrue(why.contains("the send waited 200 ms (broker setting 'blockOnFullTimeout')"), why);
        assertTrue(why.contains("'maxNonPersistentMemory'"), why);

        receiveInOrder(session.createConsumer(queue), 0, sent.get());
        producer.send(numbered(session, 99)); // room again
    }

    @Test
    void persistentMessagesOnATemporaryQueueCountAsHeldInMemoryOnly() throws Exception {
        start(config -> config.onFull(BrokerConfig.OnFull.FAIL));
        Queue replies = session.createTemporaryQueue();
        MessageProducer producer = session.createProducer(replies);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        AtomicInteger sent = new AtomicInteger();
        ResourceAllocationException refused = sendUntilRefused(producer, 0, sent);
        assertTrue(refused.getMessage().contains("'maxNonPersistentMemory'"), refused.getMessage());
        receiveInOrder(session.createConsumer(replies), 0, sent.get());
    }

    @Test
    void deletingATemporaryQueueOrClosingItsConnectionGivesItsMemoryBack() throws Exception {
        start(config -> config.onFull(BrokerConfig.OnFull.FAIL));
        Connection ownerConnection = newConnection();
        Session owner = ownerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        jakarta.jms.TemporaryQueue replies = owner.createTemporaryQueue();
        MessageProducer producer = session.createProducer(replies);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        AtomicInteger sent = new AtomicInteger();
        sendUntilRefused(producer, 0, sent);
        int accepted = sent.get();
        replies.delete();

        replies = owner.createTemporaryQueue();
        producer = session.createProducer(replies);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        AtomicInteger again = new AtomicInteger();
        sendUntilRefused(producer, 0, again);
        assertEquals(accepted, again.get(), "deleting the temporary queue did not give its room back");
        ownerConnection.close();

        MessageProducer toQueue = session.createProducer(session.createQueue("after-close"));
        toQueue.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        AtomicInteger afterClose = new AtomicInteger();
        sendUntilRefused(toQueue, 0, afterClose);
        assertEquals(accepted, afterClose.get(), "closing the connection did not give its temporary queue's room back");
    }

    @Test
    void aNonDurableSubscriptionIsBoundedAndPersistentMessagesOnADurableQueueAreNot() throws Exception {
        start(config -> config.onFull(BrokerConfig.OnFull.FAIL));
        Topic topic = session.createTopic("news");
        MessageConsumer subscriber = session.createConsumer(topic);
        connection.stop(); // the subscriber takes nothing meanwhile
        MessageProducer publisher = session.createProducer(topic);
        publisher.setDeliveryMode(DeliveryMode.PERSISTENT); // a non-durable subscription keeps even these in memory
        AtomicInteger sent = new AtomicInteger();
        ResourceAllocationException refused = sendUntilRefused(publisher, 0, sent);
        assertTrue(refused.getMessage().contains("topic 'news'"), refused.getMessage());

        // persistent messages on a durable queue page to the journal instead: never refused
        MessageProducer toQueue = session.createProducer(session.createQueue("durable"));
        toQueue.setDeliveryMode(DeliveryMode.PERSISTENT);
        for (int i = 0; i < 30; i++) {
            toQueue.send(numbered(session, i));
        }
        connection.start();
        receiveInOrder(subscriber, 0, sent.get());
    }

    @Test
    void maxDestinationMemoryBoundsOneQueueWhileOthersStillTakeMessages() throws Exception {
        start(config -> config.onFull(BrokerConfig.OnFull.FAIL).maxDestinationMemory(LIMIT / 2));
        MessageProducer producer = session.createProducer(null);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        Destination slow = session.createQueue("slow");
        int accepted = 0;
        ResourceAllocationException refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
            try {
                producer.send(slow, numbered(session, i));
                accepted++;
            } catch (ResourceAllocationException e) {
                refused = e;
            }
        }
        assertTrue(refused != null && accepted < 5, "accepted " + accepted);
        assertTrue(refused.getMessage().startsWith("Queue 'slow' holds "), refused.getMessage());
        assertTrue(refused.getMessage().contains("(broker setting 'maxDestinationMemory')"), refused.getMessage());

        Destination other = session.createQueue("other");
        producer.send(other, numbered(session, 0));
        receiveInOrder(session.createConsumer(slow), 0, accepted);
        receiveInOrder(session.createConsumer(other), 0, 1);
    }

    @Test
    void theSettingsAreReadWithSuffixesAndCheckedWhenSet() {
        BrokerConfig config = new BrokerConfig("settings").set(BrokerConfig.MAX_NON_PERSISTENT_MEMORY, "64m")
                .set(BrokerConfig.MAX_DESTINATION_MEMORY, "1m").set(BrokerConfig.ON_FULL, "FAIL")
                .set(BrokerConfig.BLOCK_ON_FULL_TIMEOUT, "0");
        assertEquals(64L << 20, config.maxNonPersistentMemory());
        assertEquals(1L << 20, config.maxDestinationMemory());
        assertEquals(BrokerConfig.OnFull.FAIL, config.onFull());
        assertEquals(0, config.blockOnFullTimeoutMillis());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> config.set(BrokerConfig.ON_FULL, "drop"));
        assertEquals("Broker setting 'onFull' is neither block nor fail; use one of them", bad.getMessage());
        assertEquals(0, new BrokerConfig("defaults").maxDestinationMemory());
        assertEquals(BrokerConfig.OnFull.BLOCK, new BrokerConfig("defaults").onFull());
        assertEquals(30_000L, new BrokerConfig("defaults").blockOnFullTimeoutMillis());
    }
}
