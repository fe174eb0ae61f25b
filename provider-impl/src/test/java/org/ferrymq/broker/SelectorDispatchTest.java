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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.BrokerCore;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consumers with selectors on one queue: each gets exactly the messages its selector matches,
 * in order and by priority; messages no consumer matches wait for one that does; and what
 * nobody takes costs the traffic beside it a bounded amount of work per message, however
 * deep it lies (counted in selector evaluations, not time).
 */
class SelectorDispatchTest {

    private final String name = "selector-dispatch-test-" + UUID.randomUUID();
    private Broker broker;
    private FerryConnectionFactory factory;

    @BeforeEach
    void start() throws Exception {
        broker = BrokerCore.of(EmbeddedBroker.start(new BrokerConfig(name).memoryJournal()));
        factory = new FerryConnectionFactory("vm://" + name);
    }

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    @Test
    void messagesNoConsumerTakesCostTheTrafficBesideThemABoundedNumberOfSelectorEvaluations() throws Exception {
        int backlog = 20_000;
        try (Connection c = factory.createConnection(); Connection idle = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("mixed"));
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            for (int i = 0; i < backlog; i++) {
                producer.send(message(s, "other", i));
            }
            // one consumer matches none of the backlog; one matches all of it but has no credit (never started)
            s.createConsumer(s.createQueue("mixed"), "kind = 'never'");
            Session idleSession = idle.createSession(false, Session.AUTO_ACKNOWLEDGE);
            idleSession.createConsumer(idleSession.createQueue("mixed"), "kind = 'other'");
            MessageConsumer wanted = s.createConsumer(s.createQueue("mixed"), "kind = 'wanted'");
            c.start();

            MessageQueue queue = broker.queue(DestinationName.queue("mixed"), false);
            long before = queue.selectorEvaluations();
            int count = 100;
            for (int i = 0; i < count; i++) {
                producer.send(message(s, "wanted", i));
                Message m = wanted.receive(30_000);
                assertNotNull(m, "wanted message " + i + " did not arrive");
                assertEquals(i, m.getIntProperty("n"));
            }
            long perMessage = (queue.selectorEvaluations() - before) / count;
            assertTrue(perMessage <= 10, "each wanted message cost " + perMessage + " selector evaluations beside "
                    + backlog + " messages nobody takes: the queue rescans them");
        }
    }

    @Test
    void eachSelectorConsumerGetsExactlyItsMessagesInOrder() throws Exception {
        List<String> colors = List.of("red", "green", "blue");
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer red = s.createConsumer(s.createQueue("colors"), "color = 'red'");
            MessageConsumer green = s.createConsumer(s.createQueue("colors"), "color = 'green'");
            c.start();
            MessageProducer producer = s.createProducer(s.createQueue("colors"));
            for (int i = 0; i < 300; i++) {
                TextMessage m = s.createTextMessage(colors.get(i % 3) + i);
                m.setStringProperty("color", colors.get(i % 3));
                producer.send(m);
            }
            assertEquals(expected("red", 0), receive(red, 100));
            assertEquals(expected("green", 1), receive(green, 100));
            assertNull(red.receive(100));
            assertNull(green.receive(100));
            // the blue ones waited, matched by nobody, for a consumer that takes them
            MessageConsumer blue = s.createConsumer(s.createQueue("colors"), "color = 'blue'");
            assertEquals(expected("blue", 2), receive(blue, 100));
            assertNull(s.createConsumer(s.createQueue("colors")).receive(100), "nothing should be left");
        }
    }

    @Test
    void aMessageWaitingForItsConsumersCreditGoesToItOnceItHasSomeAndOthersAreNotHeldBack() throws Exception {
        try (Connection c = factory.createConnection(); Connection later = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("credit"));
            Session laterSession = later.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer slow = laterSession.createConsumer(laterSession.createQueue("credit"), "kind = 'slow'");
            MessageConsumer fast = s.createConsumer(s.createQueue("credit"), "kind = 'fast'");
            c.start();
            for (int i = 0; i < 50; i++) {
                producer.send(message(s, "slow", i));
                producer.send(message(s, "fast", i));
            }
            for (int i = 0; i < 50; i++) {
                Message m = fast.receive(30_000);
                assertNotNull(m, "a consumer without credit held back another's messages");
                assertEquals("fast", m.getStringProperty("kind"));
                assertEquals(i, m.getIntProperty("n"));
            }
            later.start(); // its credit opens now
            for (int i = 0; i < 50; i++) {
                Message m = slow.receive(30_000);
                assertNotNull(m, "the slow consumer's messages did not come once it had credit");
                assertEquals("slow", m.getStringProperty("kind"));
                assertEquals(i, m.getIntProperty("n"));
            }
        }
    }

    @Test
    void aSelectorConsumerGetsItsMessagesByPriorityThenInOrder() throws Exception {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("ranked"));
            int[] priorities = {1, 7, 4, 7, 1, 9, 4};
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < priorities.length; i++) {
                producer.setPriority(priorities[i]);
                producer.send(message(s, "other", i)); // between each, one nobody wants
                producer.send(message(s, "mine", i));
            }
            for (int p = 9; p >= 0; p--) {
                for (int i = 0; i < priorities.length; i++) {
                    if (priorities[i] == p) {
                        expected.add("mine" + i);
                    }
                }
            }
            MessageConsumer mine = s.createConsumer(s.createQueue("ranked"), "kind = 'mine'");
            c.start();
            assertEquals(expected, receive(mine, priorities.length));
        }
    }

    private static TextMessage message(Session s, String kind, int n) throws Exception {
        TextMessage m = s.createTextMessage(kind + n);
        m.setStringProperty("kind", kind);
        m.setIntProperty("n", n);
        return m;
    }

    private static List<String> expected(String color, int offset) {
        List<String> texts = new ArrayList<>();
        for (int i = offset; i < 300; i += 3) {
            texts.add(color + i);
        }
        return texts;
    }

    private static List<String> receive(MessageConsumer consumer, int count) throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message m = consumer.receive(30_000);
            assertNotNull(m, "only " + i + " of " + count + " messages arrived");
            texts.add(((TextMessage) m).getText());
        }
        return texts;
    }
}
