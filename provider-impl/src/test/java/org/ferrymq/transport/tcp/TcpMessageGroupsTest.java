package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.ferrymq.client.FerryQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message groups over tcp://: each group stays with one of the competing consumers, in order,
 * and moves in order, its returned messages first, when that consumer's connection goes away.
 */
class TcpMessageGroupsTest {

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    private final Queue queue = new FerryQueue("orders");

    private static Message grouped(Session session, String group, int seq) throws Exception {
        Message message = session.createTextMessage(group + ":" + seq);
        message.setStringProperty("JMSXGroupID", group);
        message.setIntProperty("JMSXGroupSeq", seq);
        return message;
    }

    /** A message one of several consumers received, and which one. */
    private record Received(int consumer, Message message) {
        String group() throws Exception {
            return message.getStringProperty("JMSXGroupID");
        }

        int seq() throws Exception {
            return message.getIntProperty("JMSXGroupSeq");
        }
    }

    private int turn;

    /** The next message one of {@code consumers} receives, asking each in turn. */
    private Received receiveAny(List<MessageConsumer> consumers) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (int n = 0; n < consumers.size(); n++) {
                int i = turn++ % consumers.size();
                Message m = consumers.get(i).receive(5);
                if (m != null) {
                    return new Received(i, m);
                }
            }
        }
        return null;
    }

    @Test
    void eachGroupStaysWithOneConsumerInOrderAndMovesInOrderWhenItsConnectionCloses() throws Exception {
        server.start(data);
        List<Connection> connections = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        List<MessageConsumer> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            connections.add(server.startedConnection());
            sessions.add(connections.get(i).createSession(true, Session.SESSION_TRANSACTED));
            consumers.add(sessions.get(i).createConsumer(queue));
        }
        Session producing = server.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = producing.createProducer(queue);
        int groups = 4;
        int perGroup = 50;
        for (int seq = 1; seq <= perGroup; seq++) {
            for (int g = 0; g < groups; g++) {
                producer.send(grouped(producing, "g" + g, seq));
            }
        }

        // half of the messages, committed
        Map<String, Integer> owner = new HashMap<>();
        Map<String, Integer> lastSeq = new HashMap<>();
        for (int i = 0; i < groups * perGroup / 2; i++) {
            Received r = receiveAny(consumers);
            assertNotNull(r, "only " + i + " messages arrived");
            assertEquals(owner.computeIfAbsent(r.group(), g -> r.consumer()), r.consumer(),
                    "group " + r.group() + " went to two consumers");
            assertEquals(lastSeq.getOrDefault(r.group(), 0) + 1, r.seq(), "group " + r.group() + " out of order");
            lastSeq.put(r.group(), r.seq());
        }
        assertEquals(groups, owner.size());
        assertTrue(new HashSet<>(owner.values()).size() >= 2, "every group went to one consumer: " + owner);
        for (Session s : sessions) {
            s.commit();
        }
        Map<String, Integer> committed = new HashMap<>(lastSeq);

        // the owner of g0 takes five more, in order, then its connection closes without a commit
        int leaving = owner.get("g0");
        for (int i = 0; i < 5; i++) {
            Message m = consumers.get(leaving).receive(10_000);
            assertNotNull(m, "the owner of g0 got no more messages");
            Received r = new Received(leaving, m);
            assertEquals(lastSeq.get(r.group()) + 1, r.seq(), "group " + r.group() + " out of order");
            lastSeq.put(r.group(), r.seq());
        }
        Map<String, Integer> rolledBackUpTo = new HashMap<>(lastSeq);
        connections.get(leaving).close();

        // the rest of every group, the rolled-back ones first and flagged, each group at one of the other two
        List<MessageConsumer> staying = new ArrayList<>(consumers);
        staying.remove(leaving);
        Map<String, Integer> nextOwner = new HashMap<>();
        int rest = groups * perGroup - committed.values().stream().mapToInt(Integer::intValue).sum();
        lastSeq = new HashMap<>(committed);
        for (int i = 0; i < rest; i++) {
            Received r = receiveAny(staying);
            assertNotNull(r, "only " + i + " of the other " + rest + " messages arrived");
            assertEquals(nextOwner.computeIfAbsent(r.group(), g -> r.consumer()), r.consumer(),
                    "group " + r.group() + " went to two consumers");
            assertEquals(lastSeq.get(r.group()) + 1, r.seq(), "group " + r.group() + " out of order");
            assertEquals(r.seq() <= rolledBackUpTo.get(r.group()), r.message().getJMSRedelivered(),
                    r.group() + ":" + r.seq() + "'s redelivered flag");
            lastSeq.put(r.group(), r.seq());
        }
        for (MessageConsumer c : staying) {
            assertNull(c.receive(100), "a message came twice");
        }
        lastSeq.forEach((g, seq) -> assertEquals(perGroup, seq, "group " + g + " incomplete"));
        for (int c = 0; c < 3; c++) {
            if (c != leaving) {
                sessions.get(c).commit();
            }
        }
    }
}
