package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QueueDeliveryTest {

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker();

    @Test
    void eightProducersAndEightConsumersDeliverEveryMessageExactlyOnce() throws Exception {
        int producers = 8;
        int consumers = 8;
        int perProducer = 12_500; // 100,000 in all
        int total = producers * perProducer;
        Connection connection = broker.startedConnection();
        Queue queue = new FerryQueue("work");
        ConcurrentHashMap<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
        try {
            List<Future<?>> consumerTasks = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(queue);
                consumerTasks.add(pool.submit(() -> {
                    while (received.get() < total) {
                        Message m = consumer.receive(200);
                        if (m != null) {
                            received.incrementAndGet();
                            if (seen.put(m.getStringProperty("key"), 1) != null) {
                                duplicates.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            List<Future<?>> producerTasks = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producerNo = p;
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(queue);
                producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                producerTasks.add(pool.submit(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        TextMessage m = session.createTextMessage("payload");
                        m.setStringProperty("key", producerNo + "-" + i);
                        producer.send(m);
                    }
                    return null;
                }));
            }
            for (Future<?> f : producerTasks) {
                f.get(120, TimeUnit.SECONDS);
            }
            for (Future<?> f : consumerTasks) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(total, seen.size(), "distinct messages received");
        assertEquals(0, duplicates.get(), "messages delivered twice");
        assertEquals(total, received.get());
    }

    @Test
    void messagesFromOneProducerArriveInSendOrder() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("ordered");
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 500; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
        MessageConsumer consumer = session.createConsumer(queue);
        for (int i = 0; i < 500; i++) {
            assertEquals("m" + i, ((TextMessage) consumer.receive(1000)).getText());
        }
    }

    @Test
    void higherPriorityMessagesAreDeliveredFirst() throws Exception {
        Connection connection = broker.connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("prio");
        MessageProducer producer = session.createProducer(queue);
        for (int p = 0; p <= 9; p++) {
            producer.send(session.createTextMessage("p" + p), DeliveryMode.PERSISTENT, p, 0);
        }
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        for (int p = 9; p >= 0; p--) {
            Message m = consumer.receive(1000);
            assertEquals(p, m.getJMSPriority());
        }
    }

    @Test
    void expiredMessageIsNeverDelivered() throws Exception {
        Connection connection = broker.connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("ttl");
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("short"), DeliveryMode.NON_PERSISTENT, 4, 50);
        producer.send(session.createTextMessage("long"), DeliveryMode.NON_PERSISTENT, 4, 60_000);
        Thread.sleep(120);
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertEquals("long", ((TextMessage) consumer.receive(1000)).getText());
        assertNull(consumer.receive(200));
    }

    @Test
    void aTimeToLiveOfLongMaxValueMeansTheMessageNeverExpires() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("ttl-max");
        MessageProducer producer = session.createProducer(queue);
        producer.setTimeToLive(Long.MAX_VALUE);
        producer.send(session.createTextMessage("classic, persistent"));
        producer.send(session.createTextMessage("classic, non-persistent"), DeliveryMode.NON_PERSISTENT, 4,
                Long.MAX_VALUE);
        JMSContext context = broker.track(broker.factory().createContext());
        context.createProducer().setTimeToLive(Long.MAX_VALUE).send(queue, "simplified");
        MessageConsumer consumer = session.createConsumer(queue);
        for (String expected : List.of("classic, persistent", "classic, non-persistent", "simplified")) {
            Message m = consumer.receive(5000);
            assertNotNull(m, "'" + expected + "' was dropped as expired");
            assertEquals(expected, ((TextMessage) m).getText());
            assertTrue(m.getJMSExpiration() > System.currentTimeMillis(),
                    "JMSExpiration " + m.getJMSExpiration() + " is in the past");
        }
    }

    @Test
    void aDeliveryDelayOfLongMaxValueHoldsTheMessageBack() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("delay-max");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryDelay(Long.MAX_VALUE);
        TextMessage classic = session.createTextMessage("classic");
        producer.send(classic);
        assertTrue(classic.getJMSDeliveryTime() > System.currentTimeMillis(),
                "JMSDeliveryTime " + classic.getJMSDeliveryTime() + " is in the past");
        JMSContext context = broker.track(broker.factory().createContext());
        context.createProducer().setDeliveryDelay(Long.MAX_VALUE).send(queue, "simplified");
        producer.setDeliveryDelay(0);
        producer.send(session.createTextMessage("now"));
        MessageConsumer consumer = session.createConsumer(queue);
        assertEquals("now", ((TextMessage) consumer.receive(5000)).getText(), "a delayed message came first");
        assertNull(consumer.receive(200), "a message delayed for ever was delivered");
    }

    @Test
    void deliveryDelayHoldsTheMessageBackUntilItsDeliveryTime() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("delayed");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryDelay(400);
        long sent = System.currentTimeMillis();
        producer.send(session.createTextMessage("later"));
        MessageConsumer consumer = session.createConsumer(queue);
        // when it arrives tells whether it was held back; a short receive before it would race the delay
        Message m = consumer.receive(30_000);
        long receivedAfter = System.currentTimeMillis() - sent;
        assertNotNull(m);
        assertTrue(receivedAfter >= 390, "delivered " + receivedAfter + " ms after the send, before its delivery time");
        assertTrue(m.getJMSDeliveryTime() >= sent + 400);
    }

    @Test
    void receiveNoWaitSeesAMessageSentBeforeIt() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("nowait");
        MessageConsumer consumer = session.createConsumer(queue);
        assertNull(consumer.receiveNoWait());
        session.createProducer(queue).send(session.createTextMessage("here"));
        assertEquals("here", ((TextMessage) consumer.receiveNoWait()).getText());
    }

    @Test
    void aStoppedConnectionDeliversNothingUntilStarted() throws Exception {
        Connection connection = broker.connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("stopped");
        session.createProducer(queue).send(session.createTextMessage("wait"));
        MessageConsumer consumer = session.createConsumer(queue);
        assertNull(consumer.receive(100));
        connection.start();
        assertNotNull(consumer.receive(1000));
    }

    @Test
    void aSentMessageIsACopyThatLaterChangesDoNotReach() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("copy");
        MessageProducer producer = session.createProducer(queue);
        BytesMessage m = session.createBytesMessage();
        m.writeBytes(new byte[] {1, 2, 3});
        m.setStringProperty("state", "sent");
        producer.send(m);
        m.setStringProperty("state", "changed");
        m.writeBytes(new byte[] {4});
        BytesMessage received = (BytesMessage) session.createConsumer(queue).receive(1000);
        assertEquals("sent", received.getStringProperty("state"));
        assertEquals(3, received.getBodyLength());
    }

    @Test
    void competingConsumersShareAQueue() throws Exception {
        Connection connection = broker.startedConnection();
        Session s1 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session s2 = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = s1.createQueue("shared-work");
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        s1.createConsumer(queue).setMessageListener(m -> first.incrementAndGet());
        s2.createConsumer(queue).setMessageListener(m -> second.incrementAndGet());
        MessageProducer producer = s1.createProducer(queue);
        for (int i = 0; i < 1000; i++) {
            producer.send(s1.createTextMessage("job"));
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (first.get() + second.get() < 1000 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1000, first.get() + second.get());
        assertFalse(first.get() == 0 || second.get() == 0, "both consumers got work: " + first + "/" + second);
    }
}
