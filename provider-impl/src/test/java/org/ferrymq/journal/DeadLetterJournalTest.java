package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A dead-lettered message is an annotated copy on the dead-letter queue, stored in the same
 * journal transaction that removes it from its queue: after a restart it is on the dead-letter
 * queue once, with its annotations, and nowhere else.
 */
class DeadLetterJournalTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("dead-letter-journal-test");

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDeadLetteredMessageIsOnTheDeadLetterQueueOnceWithItsAnnotationsAfterARestart(JournalDatabase database)
            throws Exception {
        JournalDatabase db = broker.start(database);
        FerryConnectionFactory factory = broker.factory("maxDeliveryAttempts=2");
        String sentId;
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            TextMessage sent = s.createTextMessage("poison");
            sent.setStringProperty("customer", "acme");
            s.createProducer(s.createQueue("orders")).send(sent);
            sentId = sent.getJMSMessageID();
            MessageConsumer consumer = s.createConsumer(s.createQueue("orders"));
            for (int attempt = 0; attempt < 2; attempt++) {
                assertNotNull(consumer.receive(5000));
                s.recover();
            }
            assertNull(consumer.receive(200));
        }
        broker.stop();

        assertEquals(0, db.depth("orders"), "the original reference is still in the journal");
        assertEquals(1, db.depth("DLQ"));
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "the original message was left behind");
        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            assertNull(s.createConsumer(s.createQueue("orders")).receive(200), "the message came back to its queue");
            MessageConsumer dlq = s.createConsumer(s.createQueue("DLQ"));
            Message dead = dlq.receive(5000);
            assertNotNull(dead, "the dead-lettered message was lost in the restart");
            assertEquals("poison", ((TextMessage) dead).getText());
            assertEquals("acme", dead.getStringProperty("customer"));
            assertEquals("orders", dead.getObjectProperty("JMS_FerryMQ_OriginalDestination"));
            assertEquals("queue", dead.getObjectProperty("JMS_FerryMQ_OriginalDestinationType"));
            assertEquals(sentId, dead.getObjectProperty("JMS_FerryMQ_OriginalMessageID"));
            assertEquals(2, dead.getObjectProperty("JMS_FerryMQ_DeliveryCount"));
            assertEquals("maxDeliveries", dead.getObjectProperty("JMS_FerryMQ_DeadLetterReason"));
            assertEquals(Long.class, dead.getObjectProperty("JMS_FerryMQ_DeadLetterTime").getClass());
            assertNull(dlq.receive(200), "the dead-letter queue holds the message twice");
            dead.acknowledge();
        }
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"));
    }
}
