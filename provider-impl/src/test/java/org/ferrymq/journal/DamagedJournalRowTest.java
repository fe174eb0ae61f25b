package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.jms.Connection;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A journal row that cannot be read back (changed by hand, by a faulty migration or a bad
 * disk) costs its own message only: the broker reports it and leaves it where it is, and every
 * other message of the queue still arrives, in order. The rows are damaged with plain SQL
 * while the broker is stopped.
 */
class DamagedJournalRowTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("damaged-row-test");

    private JournalDatabase db;

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private FerryConnectionFactory start(JournalDatabase database) throws Exception {
        db = broker.start(database);
        return broker.factory();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMessageOfAnUnknownBodyTypeIsSkippedAndTheMessagesBehindItArrive(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database);
        sendTexts(factory, "orders", 5);
        broker.stop();
        db.execute("UPDATE FMQ_MESSAGE SET BODY_TYPE = 'PARCEL' WHERE BODY_TEXT = 'm2'");

        assertEquals(List.of("m0", "m1", "m3", "m4"), receiveTexts(factory, "orders", 4));
        assertEquals(1, db.depth("orders"),
                "the damaged message must stay in the journal for an operator, not be deleted");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aMapMessageWhoseBodyCannotBeDecodedIsSkippedAndTheMessagesBehindItArrive(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database);
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("maps"));
            producer.send(s.createTextMessage("before"));
            MapMessage map = s.createMapMessage();
            map.setString("customer", "c-42");
            producer.send(map);
            producer.send(s.createTextMessage("after"));
        }
        broker.stop();
        try (java.sql.Connection c = db.connect();
                PreparedStatement damage = c.prepareStatement(
                        "UPDATE FMQ_MESSAGE SET BODY_BYTES = ? WHERE BODY_TYPE = 'MAP'")) {
            damage.setBytes(1, new byte[] {0, 0, 0, 3, 9, 0}); // three entries promised, the first cut short
            assertEquals(1, damage.executeUpdate());
        }

        assertEquals(List.of("before", "after"), receiveTexts(factory, "maps", 2));
        assertEquals(1, db.depth("maps"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDamagedRowDeepInABacklogDoesNotStopTheQueueReadingItsLaterPages(JournalDatabase database)
            throws Exception {
        FerryConnectionFactory factory = start(database);
        int count = 2500; // the damaged row is on the second page read back after the restart
        sendTexts(factory, "backlog", count);
        broker.stop();
        db.execute("UPDATE FMQ_MESSAGE SET BODY_TYPE = 'PARCEL' WHERE BODY_TEXT = 'm1500'");

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i != 1500) {
                expected.add("m" + i);
            }
        }
        assertEquals(expected, receiveTexts(factory, "backlog", count - 1));
    }

    // ---- helpers ----

    private static void sendTexts(FerryConnectionFactory factory, String queue, int count) throws Exception {
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue(queue));
            for (int i = 0; i < count; i++) {
                producer.send(s.createTextMessage("m" + i));
                if ((i + 1) % 500 == 0) {
                    s.commit();
                }
            }
            s.commit();
        }
    }

    /** Receives exactly {@code count} texts, acknowledges them and checks that nothing more comes. */
    private static List<String> receiveTexts(FerryConnectionFactory factory, String queue, int count)
            throws Exception {
        List<String> texts = new ArrayList<>();
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            Message last = null;
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(30_000);
                assertNotNull(m, "only " + i + " of " + count + " messages on '" + queue + "' arrived, the last "
                        + (texts.isEmpty() ? "none" : texts.get(texts.size() - 1)));
                texts.add(((TextMessage) m).getText());
                last = m;
            }
            assertNull(consumer.receive(300), "more than " + count + " messages on '" + queue + "'");
            if (last != null) {
                last.acknowledge();
            }
        }
        return texts;
    }
}
