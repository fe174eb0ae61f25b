package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.Journal;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.StoredReference;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.MemoryJournal;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.ForwardingJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page read that fails in any way (not only with a {@link JournalException}) is tried
 * again later: the queue never stops reading its backlog back because one read went wrong.
 */
class PageReadFailureTest {

    private static final String BROKER = "page-read-failure-test";

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(BROKER);
    }

    @Test
    void aPageReadThatThrowsAnUncheckedExceptionIsTriedAgainAndTheBacklogArrives() throws Exception {
        FailingOnce journal = new FailingOnce(new MemoryJournal());
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + BROKER);
        EmbeddedBroker.start(new BrokerConfig(BROKER).journal(journal));
        int count = 2500;
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = s.createProducer(s.createQueue("backlog"));
            for (int i = 0; i < count; i++) {
                producer.send(s.createTextMessage("m" + i));
            }
            s.commit();
        }
        EmbeddedBroker.stop(BROKER);
        EmbeddedBroker.start(new BrokerConfig(BROKER).journal(journal));
        journal.failNextRead();

        try (Connection c = factory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("backlog"));
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(30_000);
                assertNotNull(m, "only " + i + " of " + count + " messages arrived after a page read failed");
                assertEquals("m" + i, ((TextMessage) m).getText());
            }
        }
        assertTrue(journal.failed.get() > 0, "the failure was never injected; the test proves nothing");
    }

    /**
     * Fault injection, as no real journal trigger exists: a journal implementation (the SPI is
     * open to others) whose page read throws an unchecked exception once when told to.
     */
    private static final class FailingOnce extends ForwardingJournal {
        private volatile boolean failNext;
        final AtomicInteger failed = new AtomicInteger();

        FailingOnce(Journal delegate) {
            super(delegate);
        }

        void failNextRead() {
            failNext = true;
        }


        @Override
        public List<StoredReference> readQueue(long queueId, long afterSeq, long uptoSeq, int max)
                throws JournalException {
            if (failNext) {
                failNext = false;
                failed.incrementAndGet();
                throw new IllegalStateException("injected: the journal implementation failed reading a page");
            }
            return inner.readQueue(queueId, afterSeq, uptoSeq, max);
        }




        @Override
        public void close() {
            // the memory journal outlives the broker, for the restart
        }
    }
}
