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
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.JournalDatabase;
import org.ferrymq.server.BrokerCore;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Persistent messages with a delivery delay wait in the journal, not in the heap: a backlog of
 * them costs the broker's memory nothing until they are due, across a restart too, and when
 * they come due they are read back a page at a time like any backlog. Observed through the
 * broker's memory accounting (what {@code maxMemory} limits), on an H2 journal.
 */
class DelayedMessageMemoryTest {

    private static final long MAX_MEMORY = 64 * 1024;
    private static final String BODY = "x".repeat(200);

    private final String name = "delayed-memory-test-" + UUID.randomUUID();
    private final BrokerConfig config;
    private Broker broker;

    DelayedMessageMemoryTest() throws Exception {
        config = new BrokerConfig(name).journalUrl(JournalDatabase.h2().emptied().jdbcUrl()).maxMemory(MAX_MEMORY);
    }

    private void startBroker() throws Exception {
        broker = BrokerCore.of(EmbeddedBroker.start(config));
    }

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    @Test
    void aBacklogOfDelayedMessagesIsNotReadIntoMemoryAfterARestart() throws Exception {
        startBroker();
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
        int delayed = 3000;
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("later"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.setDeliveryDelay(3_600_000);
            for (int i = 0; i < delayed; i++) {
                producer.send(s.createTextMessage(BODY));
                if ((i + 1) % 500 == 0) {
                    s.commit();
                }
            }
            producer.setDeliveryDelay(0);
            producer.send(s.createTextMessage("due now"));
            s.commit();
        }
        EmbeddedBroker.stop(name);
        startBroker();

        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("later"));
            // the message sent last arrives once the queue has read past every delayed one
            Message first = consumer.receive(30_000);
            assertNotNull(first, "the message without a delay, behind the delayed ones, did not arrive");
            assertEquals("due now", ((TextMessage) first).getText());
            assertTrue(broker.memoryInUse() <= MAX_MEMORY, "after the restart the broker holds "
                    + broker.memoryInUse() + " bytes of messages not due for an hour; its limit is " + MAX_MEMORY);
            assertNull(consumer.receive(200), "a message was delivered an hour early");
        }
    }

    @Test
    void delayedMessagesThatComeDueAreReadBackAPageAtATime() throws Exception {
        startBroker();
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name + "?prefetch=10");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            s.createProducer(s.createQueue("probe")).send(s.createTextMessage(BODY));
            long oneMessage = broker.memoryInUse(); // held until it is received and acknowledged
            s.createConsumer(s.createQueue("probe")).receive(30_000).acknowledge();
            assertTrue(oneMessage > 0, "a message in memory should count");

            Session sender = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer waiting = sender.createProducer(sender.createQueue("much-later"));
            waiting.setDeliveryDelay(3_600_000);
            for (int i = 0; i < 3000; i++) {
                waiting.send(sender.createTextMessage(BODY));
            }
            sender.commit();
            long heldForLater = broker.memoryInUse();

            int count = 6000;
            MessageProducer producer = sender.createProducer(sender.createQueue("later"));
            producer.setDeliveryDelay(1000);
            long lastDue = 0;
            for (int i = 0; i < count; i++) {
                TextMessage m = sender.createTextMessage(BODY);
                m.setIntProperty("n", i);
                producer.send(m);
                lastDue = m.getJMSDeliveryTime();
                if ((i + 1) % 1000 == 0) {
                    sender.commit();
                }
            }
            sender.commit();
            while (System.currentTimeMillis() <= lastDue) {
                Thread.sleep(20);
            }

            // at most two pages waiting, a prefetch and a transaction's worth received, and a page of slack
            long bound = (3L * MessageQueue.PAGE_SIZE + 10 + 100) * oneMessage;
            long most = 0;
            Session receiver = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = receiver.createConsumer(receiver.createQueue("later"));
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(30_000);
                assertNotNull(m, "only " + i + " of " + count + " delayed messages arrived");
                assertEquals(i, m.getIntProperty("n"), "out of order");
                if ((i + 1) % 100 == 0) {
                    receiver.commit();
                }
                most = Math.max(most, broker.memoryInUse());
            }
            receiver.commit();
            assertTrue(heldForLater < oneMessage, "3000 messages due in an hour hold " + heldForLater
                    + " bytes in memory");
            assertTrue(most <= bound, "while the due backlog was drained the broker held up to " + most
                    + " bytes, more than two pages and a prefetch (" + bound + ")");
        }
    }
}
