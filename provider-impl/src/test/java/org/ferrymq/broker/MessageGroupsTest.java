package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Destination;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Logs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Message groups ({@code JMSXGroupID}): the messages of one group go to one consumer at a time,
 * in order, while other messages keep flowing to the other consumers; a group moves, in order,
 * when its consumer closes; {@code JMSXGroupSeq} -1 ends a group; past a queue's
 * {@code maxGroups} the least recently used idle group is forgotten.
 */
class MessageGroupsTest {

    private final String name = "groups-test-" + UUID.randomUUID();

    @TempDir
    Path data;

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    private FerryConnectionFactory start(UnaryOperator<BrokerConfig> configure) throws Exception {
        EmbeddedBroker.start(configure.apply(new BrokerConfig(name).dataDirectory(data)));
        return new FerryConnectionFactory("vm://" + name);
    }

    static Message grouped(Session session, String group, int seq) throws Exception {
        Message message = session.createTextMessage(group + ":" + seq);
        message.setStringProperty("JMSXGroupID", group);
        message.setIntProperty("JMSXGroupSeq", seq);
        return message;
    }

    /** A message one of {@code consumers} received, and which one. */
    record Received(int consumer, Message message) {
        String group() throws Exception {
            return message.getStringProperty("JMSXGroupID");
        }

        int seq() throws Exception {
            return message.getIntProperty("JMSXGroupSeq");
        }
    }

    /** The next message any of {@code consumers} (each in a session of its own) receives; null if none comes. */
    static Received receiveAny(List<MessageConsumer> consumers, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        do {
            for (int i = 0; i < consumers.size(); i++) {
                Message m = consumers.get(i).receive(5);
                if (m != null) {
                    return new Received(i, m);
                }
            }
        } while (System.currentTimeMillis() < deadline);
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"queue", "shared subscription"})
    void eachGroupGoesToOneOfThreeCompetingConsumersInOrderWhileMessagesWithoutGroupSpread(String kind)
            throws Exception {
        FerryConnectionFactory factory = start(config -> config);
        List<Connection> connections = new ArrayList<>();
        try {
            List<MessageConsumer> consumers = new ArrayList<>();
            Destination destination = null;
            for (int i = 0; i < 3; i++) {
                Connection c = factory.createConnection();
                connections.add(c);
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                if (kind.equals("queue")) {
                    destination = s.createQueue("orders");
                    consumers.add(s.createConsumer(destination));
                } else {
                    Topic topic = s.createTopic("orders");
                    destination = topic;
                    consumers.add(s.createSharedConsumer(topic, "workers"));
                }
                c.start();
            }
            Session producing = connections.get(0).createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producing.createProducer(destination);
            int groups = 5;
            int perGroup = 100;
            for (int seq = 1; seq <= perGroup; seq++) {
                for (int g = 0; g < groups; g++) {
                    producer.send(grouped(producing, "g" + g, seq));
                }
                producer.send(producing.createTextMessage("free:" + seq)); // 7 a round: no consumer gets every third
                producer.send(producing.createTextMessage("free:" + seq + "'"));
            }

            Map<String, Integer> owner = new HashMap<>();
            Map<String, Integer> lastSeq = new HashMap<>();
            Set<Integer> freeReceivers = new HashSet<>();
            Set<String> free = new HashSet<>();
            for (int received = 0; received < groups * perGroup + 2 * perGroup; received++) {
                Received r = receiveAny(consumers, 30_000);
                assertNotNull(r, "only " + received + " messages arrived");
                if (r.group() == null) {
                    freeReceivers.add(r.consumer());
                    assertTrue(free.add(((jakarta.jms.TextMessage) r.message()).getText()), "a message came twice");
                    continue;
                }
                Integer previousOwner = owner.putIfAbsent(r.group(), r.consumer());
                assertEquals(previousOwner == null ? r.consumer() : previousOwner, r.consumer(),
                        "group " + r.group() + " went to consumers " + previousOwner + " and " + r.consumer());
                int expected = lastSeq.getOrDefault(r.group(), 0) + 1;
                assertEquals(expected, r.seq(), "group " + r.group() + " out of order");
                lastSeq.put(r.group(), r.seq());
            }
            assertNull(receiveAny(consumers, 200), "a message came twice");
            assertEquals(groups, owner.size());
            lastSeq.forEach((g, seq) -> assertEquals(perGroup, seq, "group " + g + " incomplete"));
            assertTrue(freeReceivers.size() >= 2, "messages without a group all went to consumer " + freeReceivers);
            assertTrue(new HashSet<>(owner.values()).size() >= 2, "every group went to one consumer: " + owner);
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Session.CLIENT_ACKNOWLEDGE, Session.SESSION_TRANSACTED})
    void whenTheOwnerClosesTheRestOfTheGroupAndItsReturnedMessagesGoInOrderToTheNextConsumer(int mode)
            throws Exception {
        FerryConnectionFactory factory = start(config -> config);
        try (Connection c = factory.createConnection(); Connection other = factory.createConnection()) {
            c.start();
            other.start();
            Session owning = c.createSession(mode == Session.SESSION_TRANSACTED, mode);
            MessageConsumer first = owning.createConsumer(owning.createQueue("orders"));
            Session producing = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producing.createProducer(producing.createQueue("orders"));
            for (int seq = 1; seq <= 50; seq++) {
                producer.send(grouped(producing, "g", seq));
            }
            for (int seq = 1; seq <= 10; seq++) {
                Message m = first.receive(10_000);
                assertNotNull(m, "message " + seq + " did not arrive");
                assertEquals(seq, m.getIntProperty("JMSXGroupSeq"));
            }

            Session otherSession = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer second = otherSession.createConsumer(otherSession.createQueue("orders"));
            producer.send(producing.createTextMessage("free"));
            producer.send(producing.createTextMessage("free"));
            Message free = second.receive(10_000);
            assertNotNull(free, "no message without a group reached the second consumer while the first owned the group");
            assertNull(free.getStringProperty("JMSXGroupID"), "the second consumer got a message of the first one's group");

            first.close(); // what it only prefetched goes back; the 10 it consumed stay with its session
            for (int seq = 51; seq <= 60; seq++) {
                producer.send(grouped(producing, "g", seq));
            }
            if (mode == Session.SESSION_TRANSACTED) {
                owning.rollback();
            } else {
                owning.recover();
            }

            int seq = 0;
            int frees = 1;
            Message m;
            while ((m = second.receive(seq < 60 ? 10_000 : 200)) != null) {
                if (m.getStringProperty("JMSXGroupID") == null) {
                    frees++;
                    continue;
                }
                seq++;
                assertEquals(seq, m.getIntProperty("JMSXGroupSeq"), "the group came out of order");
                assertEquals(seq <= 10, m.getJMSRedelivered(), "message " + seq + "'s redelivered flag");
            }
            assertEquals(60, seq, "messages of the group were lost or came twice");
            assertEquals(2, frees, "messages without a group were lost or came twice");
        }
    }

    @Test
    void aMessageWithGroupSeqMinusOneEndsTheGroupSoItsNextMessagesMayGoToAnotherConsumer() throws Exception {
        FerryConnectionFactory factory = start(config -> config);
        try (Connection c = factory.createConnection()) {
            c.start();
            List<MessageConsumer> consumers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                consumers.add(s.createConsumer(s.createQueue("orders")));
            }
            Session producing = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producing.createProducer(producing.createQueue("orders"));
            int rounds = 6;
            for (int round = 0; round < rounds; round++) {
                for (int seq = 1; seq <= 3; seq++) {
                    Message m = grouped(producing, "g", seq == 3 ? -1 : seq);
                    m.setIntProperty("round", round);
                    producer.send(m);
                }
            }
            Map<Integer, Integer> roundOwner = new HashMap<>();
            List<String> order = new ArrayList<>();
            for (int i = 0; i < rounds * 3; i++) {
                Received r = receiveAny(consumers, 10_000);
                assertNotNull(r, "only " + i + " messages arrived");
                int round = r.message().getIntProperty("round");
                order.add(round + ":" + r.seq());
                Integer owner = roundOwner.putIfAbsent(round, r.consumer());
                assertTrue(owner == null || owner == r.consumer(), "round " + round + " went to two consumers");
            }
            assertEquals(2, new HashSet<>(roundOwner.values()).size(),
                    "every round of the group went to one consumer, though each ended with JMSXGroupSeq -1: "
                            + roundOwner);
            List<String> expected = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                expected.addAll(List.of(round + ":1", round + ":2", round + ":-1"));
            }
            assertEquals(expected, order, "the group came out of order");
        }
    }

    /** Three consumers A, B, C (in that order on the queue), each in a CLIENT_ACKNOWLEDGE session of its own. */
    private static List<MessageConsumer> threeConsumers(Connection c) throws Exception {
        List<MessageConsumer> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            consumers.add(s.createConsumer(s.createQueue("orders")));
        }
        return consumers;
    }

    @Test
    void pastMaxGroupsANewGroupTakesThePinOfTheLeastRecentlyUsedGroupWithNothingInFlight() throws Exception {
        FerryConnectionFactory factory = start(config -> config.destinationPolicy("orders", "maxGroups", "2"));
        try (Connection c = factory.createConnection()) {
            List<MessageConsumer> consumers = threeConsumers(c);
            c.start();
            Session producing = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producing.createProducer(producing.createQueue("orders"));
            // consumers take new groups in turn: A, B, C, A, ...; each message is acknowledged before the next is sent
            String[] groups = {"g1", "g2", "g1", "g3", "g2", "g1", "g2"};
            StringBuilder receivers = new StringBuilder();
            for (int i = 0; i < groups.length; i++) {
                producer.send(grouped(producing, groups[i], i + 1));
                Received r = receiveAny(consumers, 10_000);
                assertNotNull(r, "message " + (i + 1) + " did not arrive");
                assertEquals(groups[i], r.group());
                receivers.append((char) ('A' + r.consumer()));
                r.message().acknowledge();
            }
            // g1 A, g2 B, g1 A (pinned), g3 C taking g2's pin (g1 was used later), g2 A taking g1's pin,
            // g1 B taking g3's pin, g2 A (pinned)
            assertEquals("ABACABA", receivers.toString());
        }
    }

    @Test
    void whenEveryPinnedGroupHasMessagesInFlightANewGroupGoesUnpinnedOneMessageAtATimeWithOneWarning()
            throws Throwable {
        FerryConnectionFactory factory = start(config -> config.destinationPolicy("orders", "maxGroups", "1"));
        try (Connection c = factory.createConnection()) {
            List<MessageConsumer> consumers = threeConsumers(c);
            c.start();
            Session producing = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producing.createProducer(producing.createQueue("orders"));
            producer.send(grouped(producing, "g1", 1));
            Received pinned = receiveAny(consumers, 10_000); // held unacknowledged: g1 keeps the only pin
            assertNotNull(pinned);
            assertEquals(0, pinned.consumer());

            List<Received> got = new ArrayList<>();
            String log = Logs.of(() -> {
                producer.send(grouped(producing, "g2", 1));
                producer.send(grouped(producing, "g2", 2));
                producer.send(grouped(producing, "g3", 1));
                got.add(receiveAny(consumers, 10_000));
                got.add(receiveAny(consumers, 10_000));
                got.add(receiveAny(consumers, 300)); // g2's second waits for its first, so no group is in two hands
            });
            assertNotNull(got.get(0));
            assertNotNull(got.get(1));
            if (got.get(0).group().equals("g3")) {
                got.add(0, got.remove(1));
            }
            assertEquals("g2:1 g3:1", got.get(0).group() + ":" + got.get(0).seq() + " " + got.get(1).group() + ":"
                    + got.get(1).seq());
            assertNull(got.get(2), "g2's second message went out while its first was still unacknowledged");
            assertEquals(1, log.split("delivered unpinned", -1).length - 1, "one warning per queue: " + log);
            assertTrue(log.contains("'orders'"), log);

            got.get(0).message().acknowledge();
            Received next = receiveAny(consumers, 10_000);
            assertNotNull(next, "g2's second message did not follow its first");
            assertEquals("g2", next.group());
            assertEquals(2, next.seq());
            assertFalse(next.message().getJMSRedelivered());
            pinned.message().acknowledge();
            next.message().acknowledge();
            assertNull(receiveAny(consumers, 200), "a message came twice");
        }
    }

    @Test
    void maxGroupsZeroTurnsGroupsOffSoAGroupsMessagesGoToAnyConsumer() throws Exception {
        FerryConnectionFactory factory = start(config -> config.destinationPolicy("orders", "maxGroups", "0"));
        try (Connection c = factory.createConnection()) {
            List<MessageConsumer> consumers = threeConsumers(c);
            c.start();
            Session producing = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producing.createProducer(producing.createQueue("orders"));
            Set<Integer> receivers = new HashSet<>();
            for (int seq = 1; seq <= 6; seq++) {
                producer.send(grouped(producing, "g", seq));
                Received r = receiveAny(consumers, 10_000);
                assertNotNull(r, "message " + seq + " did not arrive");
                assertEquals(seq, r.seq());
                receivers.add(r.consumer());
                r.message().acknowledge();
            }
            assertEquals(3, receivers.size(), "with maxGroups 0 the group still went to consumers " + receivers);
        }
    }

    @Test
    void aGroupIsPinnedOnlyToAConsumerWhoseSelectorTakesItsNextMessage() throws Exception {
        FerryConnectionFactory factory = start(config -> config);
        try (Connection c = factory.createConnection()) {
            Session selecting = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer onlyA = selecting.createConsumer(selecting.createQueue("orders"), "kind = 'a'");
            Session taking = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer any = taking.createConsumer(taking.createQueue("orders"));
            c.start();
            Session producing = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = producing.createProducer(producing.createQueue("orders"));
            String[] kinds = {"a", "b", "a"};
            for (int seq = 1; seq <= 3; seq++) {
                Message m = grouped(producing, "g", seq);
                m.setStringProperty("kind", kinds[seq - 1]);
                producer.send(m);
            }

            Message first = onlyA.receive(10_000);
            assertNotNull(first, "the group's first message did not reach the first consumer in turn");
            assertEquals(1, first.getIntProperty("JMSXGroupSeq"));
            assertNull(any.receive(300), "the group's second message went to another consumer while its first was "
                    + "unacknowledged");
            first.acknowledge(); // the group, which the selector does not take any more, moves on
            for (int seq = 2; seq <= 3; seq++) {
                Message m = any.receive(10_000);
                assertNotNull(m, "message " + seq + " of the group did not move to the consumer that takes it");
                assertEquals(seq, m.getIntProperty("JMSXGroupSeq"));
            }
            assertNull(onlyA.receive(200), "the group went back to the selecting consumer");
        }
    }

    @Test
    void aBrowserSeesTheMessagesGroupsHoldBackInOrder() throws Exception {
        FerryConnectionFactory factory = start(config -> config);
        try (Connection c = factory.createConnection()) {
            c.start();
            Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("orders"));
            List<String> sent = new ArrayList<>();
            for (String name : List.of("g:1", "h:1", "g:2", "free", "h:2", "g:3")) {
                Message m = name.equals("free") ? session.createTextMessage(name)
                        : grouped(session, name.substring(0, 1), Integer.parseInt(name.substring(2)));
                producer.send(m);
                sent.add(name);
            }
            List<String> browsed = new ArrayList<>();
            var messages = session.createBrowser(session.createQueue("orders")).getEnumeration();
            while (messages.hasMoreElements()) {
                browsed.add(((jakarta.jms.TextMessage) messages.nextElement()).getText());
            }
            assertEquals(sent, browsed);

            MessageConsumer consumer = session.createConsumer(session.createQueue("orders"));
            for (String name : sent) {
                Message m = consumer.receive(10_000);
                assertNotNull(m, name + " was lost");
                assertEquals(name, ((jakarta.jms.TextMessage) m).getText());
            }
        }
    }

    @Test
    void afterARestartGroupsArePinnedAgainAsTheirMessagesGoOut() throws Exception {
        FerryConnectionFactory factory = start(config -> config);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("orders"));
            for (int seq = 1; seq <= 20; seq++) {
                producer.send(grouped(s, "g0", seq));
                producer.send(grouped(s, "g1", seq));
            }
        }
        EmbeddedBroker.stop(name);

        start(config -> config);
        // a prefetch of 1, so that the first consumer does not take the whole backlog before the others come
        try (Connection c = new FerryConnectionFactory("vm://" + name + "?prefetch=1").createConnection()) {
            List<MessageConsumer> consumers = threeConsumers(c);
            c.start();
            Map<String, Integer> owner = new HashMap<>();
            Map<String, Integer> lastSeq = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                Received r = receiveAny(consumers, 10_000);
                assertNotNull(r, "only " + i + " messages came back after the restart");
                assertEquals(owner.computeIfAbsent(r.group(), g -> r.consumer()), r.consumer(),
                        "group " + r.group() + " went to two consumers");
                assertEquals(lastSeq.getOrDefault(r.group(), 0) + 1, r.seq(), "group " + r.group() + " out of order");
                lastSeq.put(r.group(), r.seq());
                r.message().acknowledge();
            }
            assertNull(receiveAny(consumers, 200), "a message came twice");
        }
    }
}
