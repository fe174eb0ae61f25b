package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping a broker while its threads read and write an H2 journal. H2 closes its database
 * when a thread doing file I/O is interrupted, so a stop that interrupted the pager or the
 * lease renewal mid-read left the lease unreleased in a database it could no longer write,
 * and the broker could not start again on its own journal in the same process ("in use by
 * broker ...").
 */
class StopWhileBusyTest {

    private static final int BACKLOG = 20_000;
    private static final int ROUNDS = 12;

    private final String broker = "stop-busy-" + UUID.randomUUID();

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(broker);
    }

    @Test
    void aBrokerStoppedWhileItsPagerReadsStartsAgainOnItsJournalAndLosesNothing() throws Exception {
        JournalDatabase db = JournalDatabase.h2().emptied();
        FerryConnectionFactory factory = new FerryConnectionFactory(db.brokerUrl(broker, "maxMemory=64k"));
        byte[] body = new byte[1024];
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("busy"));
            for (int i = 0; i < BACKLOG; i++) {
                producer.send(s.createBytesMessage());
                if (i % 1000 == 999) {
                    s.commit();
                }
            }
            s.commit();
        }
        AtomicLong consumed = new AtomicLong();
        for (int round = 0; round < ROUNDS; round++) {
            Connection c = factory.createConnection(); // starts the broker again: refused if the lease was kept
            c.start();
            Thread draining = new Thread(() -> {
                try {
                    Session s = c.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
                    MessageConsumer consumer = s.createConsumer(s.createQueue("busy"));
                    while (consumer.receive(500) != null) {
                        consumed.incrementAndGet();
                    }
                } catch (JMSException e) {
                    // the broker stopped under the consumer
                }
            });
            draining.start();
            Thread.sleep(100 + round * 10L); // the pager reads pages meanwhile
            EmbeddedBroker.stop(broker);
            draining.join(10_000);
            try {
                c.close();
            } catch (JMSException e) {
                // already gone with its broker
            }
        }
        assertTrue(consumed.get() > 0, "nothing was consumed: the test did not make the pager read");
        long left = db.depth("busy");
        assertTrue(left <= BACKLOG && left >= BACKLOG - consumed.get(),
                "left " + left + " of " + BACKLOG + " with " + consumed.get() + " consumed");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_LEASE WHERE HOLDER_INSTANCE IS NOT NULL"),
                "the last stop released the lease");
    }
}
