package org.ferrymq.xa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.util.List;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.testing.TestXid;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.journal.JournalBroker;
import org.ferrymq.journal.JournalDatabase;
import org.ferrymq.journal.JournalStall;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Work that waits for the journal does not hold up the broker's timers: while the journal is
 * stalled by a real row lock ({@link JournalStall}), an XA branch that times out has to wait
 * for it (rolling the branch back moves the message it consumed, past its delivery attempts,
 * to the dead-letter queue), and a message sent with a delivery delay still arrives when due.
 */
class StalledJournalTest {

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("stalled-journal");

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aBranchTimingOutDuringAJournalStallDoesNotDelayADelayedDelivery(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        // the stall outlasts neither the database's lock wait nor the journal timeout: only its release ends it
        String url = JournalStall.lockWaitsAtMost(db, 120_000).brokerUrl(broker.name(), "journalTimeout=60000",
                "maxDeliveryAttempts=1");
        try (XAConnection xaConnection = new FerryXAConnectionFactory(url).createXAConnection();
                Connection connection = new FerryConnectionFactory(url).createConnection()) {
            xaConnection.start();
            connection.start();
            Session plain = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue delayed = plain.createQueue("delayed");
            MessageConsumer delayedConsumer = plain.createConsumer(delayed);
            plain.createProducer(plain.createQueue("in")).send(plain.createTextMessage("consumed-in-branch"));

            XASession session = xaConnection.createXASession();
            XAResource xa = session.getXAResource();
            xa.setTransactionTimeout(3);
            Xid xid = TestXid.next();
            xa.start(xid, XAResource.TMNOFLAGS);
            try (MessageConsumer in = session.createConsumer(session.createQueue("in"))) {
                assertNotNull(in.receive(5000));
            }
            xa.end(xid, XAResource.TMSUCCESS);

            JournalStall stall = JournalStall.hold(db);
            try {
                // in 3 s the branch times out, and dead-lettering what it consumed waits for the stall;
                // this message is due after that, and needs no journal write (it is not persistent)
                MessageProducer producer = plain.createProducer(delayed);
                producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
                producer.setDeliveryDelay(4000);
                producer.send(plain.createTextMessage("due"));

                Message due = delayedConsumer.receive(30_000);
                assertNotNull(due, "the delayed message did not arrive while the journal was stalled: "
                        + "its delivery waited behind the branch's timeout");
                assertEquals("due", ((TextMessage) due).getText());
            } finally {
                stall.release();
            }
        }
    }
}
