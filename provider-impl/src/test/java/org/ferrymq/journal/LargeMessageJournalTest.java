package org.ferrymq.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.util.List;
import org.ferrymq.testing.PatternBody;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Large messages on a real journal: a body above the client's {@code largeMessageThreshold}
 * is stored in chunks ({@code FMQ_MSG_CHUNK}), never whole, and arrives byte for byte, also
 * after a restart; what a send leaves unfinished never arrives and its chunks do not outlive
 * the next start; a consumed large message leaves no chunk behind.
 */
class LargeMessageJournalTest {

    private static final long RECEIVE_TIMEOUT = 60_000;
    private static final int FIFTY_MIB = 50 * 1024 * 1024;

    @RegisterExtension
    final JournalBroker broker = new JournalBroker("large");

    static List<JournalDatabase> databases() {
        return JournalDatabase.all().toList();
    }

    private Connection connect(String... parameters) throws JMSException {
        Connection connection = broker.track(broker.factory(parameters).createConnection());
        connection.start();
        return connection;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void largeBytesMessageArrivesWholeAfterRestart(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        Session session = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("large");
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(FIFTY_MIB));
        sent.setStringProperty("file", "pattern.bin");
        session.createProducer(queue).send(sent);

        assertTrue(db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK") > 1, "the body is stored in chunks");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE WHERE BODY_BYTES IS NOT NULL"),
                "no message row holds the body whole");
        assertEquals(FIFTY_MIB, db.queryLong("SELECT SUM(LARGE_BODY_SIZE) FROM FMQ_MESSAGE"));
        broker.stop();

        Session again = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = again.createConsumer(again.createQueue("large"));
        BytesMessage received = assertInstanceOf(BytesMessage.class, consumer.receive(RECEIVE_TIMEOUT));
        assertEquals("pattern.bin", received.getStringProperty("file"));
        assertEquals(FIFTY_MIB, received.getBodyLength());
        byte[] body = received.getBody(byte[].class);
        assertEquals(PatternBody.checksum(FIFTY_MIB), PatternBody.checksum(body));
        assertNull(consumer.receive(200), "the message arrives once");
        broker.stop(); // its acknowledgement settled

        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "a consumed body leaves no chunk");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void streamedBodyIsSavedToAnOutputStream(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        long size = 20L * 1024 * 1024 + 12_345;
        Session session = connect().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("streamed");
        BytesMessage sent = session.createBytesMessage();
        sent.setObjectProperty("JMS_FerryMQ_InputStream", PatternBody.stream(size));
        session.createProducer(queue).send(sent);

        BytesMessage received = (BytesMessage) session.createConsumer(queue).receive(RECEIVE_TIMEOUT);
        assertEquals(size, received.getBodyLength());
        PatternBody.Check check = new PatternBody.Check();
        received.setObjectProperty("JMS_FerryMQ_SaveStream", check);
        assertEquals(size, check.count());
        assertEquals(PatternBody.checksum(size), check.checksum());
        received.acknowledge();
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void largeSendOfARolledBackTransactionLeavesNoBody(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        Connection connection = connect();
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue queue = session.createQueue("tx-large");
        MessageProducer producer = session.createProducer(queue);
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(PatternBody.bytes(3 * 1024 * 1024));
        producer.send(message);
        session.rollback();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "the rolled-back body is gone");

        producer.send(message);
        session.commit();
        Session receiving = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        BytesMessage received = (BytesMessage) receiving.createConsumer(queue).receive(RECEIVE_TIMEOUT);
        assertEquals(PatternBody.checksum(3 * 1024 * 1024), PatternBody.checksum(received.getBody(byte[].class)));
        assertNull(receiving.createConsumer(queue).receive(200));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void sendWhoseStreamFailsSendsNothingAndKeepsNoChunk(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        Session session = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("failing-stream");
        BytesMessage message = session.createBytesMessage();
        InputStream pattern = PatternBody.stream(10L * 1024 * 1024);
        message.setObjectProperty("JMS_FerryMQ_InputStream", new InputStream() {
            private long read;

            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read > 4 * 1024 * 1024) {
                    throw new IOException("disk gone");
                }
                int n = pattern.read(b, off, len);
                read += Math.max(n, 0);
                return n;
            }
        });
        MessageProducer producer = session.createProducer(queue);
        JMSException failure = assertThrows(JMSException.class, () -> producer.send(message));
        assertTrue(failure.getMessage().contains("disk gone"), failure.getMessage());
        assertNull(session.createConsumer(queue).receive(200), "nothing of the failed send arrives");
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "its chunks are gone");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void chunksOfASendThatNeverFinishedAreGoneAfterStart(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        connect().close();
        broker.stop();
        try (java.sql.Connection c = db.connect(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO FMQ_MSG_CHUNK (MSG_NO, CHUNK_NO, CHUNK_DATA) VALUES (?, ?, ?)")) {
            for (int chunk = 0; chunk < 3; chunk++) {
                insert.setLong(1, 424242);
                insert.setInt(2, chunk);
                insert.setBytes(3, PatternBody.bytes(1000));
                insert.executeUpdate();
            }
        }
        Session session = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertNull(session.createConsumer(session.createQueue("any")).receive(200));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "the torn body is removed on start");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void nonPersistentLargeMessageArrivesAndLeavesNoChunk(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 5 * 1024 * 1024;
        Session session = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("np-large");
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(PatternBody.bytes(size));
        session.createProducer(queue).send(message, DeliveryMode.NON_PERSISTENT, 4, 0);
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "a non-persistent message is not stored");

        BytesMessage received = (BytesMessage) session.createConsumer(queue).receive(RECEIVE_TIMEOUT);
        assertEquals(DeliveryMode.NON_PERSISTENT, received.getJMSDeliveryMode());
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(received.getBody(byte[].class)));
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void smallMessagesStayWhole(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        Session session = connect("largeMessageThreshold=2048").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("threshold");
        MessageProducer producer = session.createProducer(queue);
        BytesMessage small = session.createBytesMessage();
        small.writeBytes(PatternBody.bytes(2048));
        producer.send(small);
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "a body at the threshold is not large");
        BytesMessage large = session.createBytesMessage();
        large.writeBytes(PatternBody.bytes(2049));
        producer.send(large);
        assertEquals(1, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "a body above it is");

        MessageConsumer consumer = session.createConsumer(queue);
        assertEquals(PatternBody.checksum(2048),
                PatternBody.checksum(consumer.receive(RECEIVE_TIMEOUT).getBody(byte[].class)));
        assertEquals(PatternBody.checksum(2049),
                PatternBody.checksum(consumer.receive(RECEIVE_TIMEOUT).getBody(byte[].class)));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void browsedLargeMessageShowsItsLengthButNotItsBody(JournalDatabase database) throws Exception {
        broker.start(database);
        Session session = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("browsed");
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(2 * 1024 * 1024));
        sent.setStringProperty("kind", "report");
        session.createProducer(queue).send(sent);

        java.util.Enumeration<?> browsed = session.createBrowser(queue).getEnumeration();
        BytesMessage seen = (BytesMessage) browsed.nextElement();
        assertEquals("report", seen.getStringProperty("kind"));
        assertEquals(2 * 1024 * 1024, seen.getBodyLength());
        JMSException refused = assertThrows(JMSException.class, () -> seen.readBytes(new byte[10]));
        assertTrue(refused.getMessage().contains("browsed"), refused.getMessage());

        BytesMessage received = (BytesMessage) session.createConsumer(queue).receive(RECEIVE_TIMEOUT);
        assertEquals(PatternBody.checksum(2 * 1024 * 1024), PatternBody.checksum(received.getBody(byte[].class)));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void topicGivesALargeMessageToDurableAndNonDurableSubscribersAlike(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 4 * 1024 * 1024 + 3;
        Connection connection = connect("clientID=large-topic");
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        jakarta.jms.Topic topic = session.createTopic("large-news");
        MessageConsumer durable = session.createDurableSubscriber(topic, "archive");
        MessageConsumer plain = session.createConsumer(topic);
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(size));
        session.createProducer(topic).send(sent);

        BytesMessage first = (BytesMessage) durable.receive(RECEIVE_TIMEOUT);
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(first.getBody(byte[].class)));
        first.acknowledge(); // the durable copy goes; the non-durable one still holds the body
        BytesMessage second = (BytesMessage) plain.receive(RECEIVE_TIMEOUT);
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(second.getBody(byte[].class)));
        second.acknowledge();
        // a memory-only copy's body goes after its acknowledgement, without the acknowledgement waiting for it
        long deadline = System.currentTimeMillis() + RECEIVE_TIMEOUT;
        while (db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK") > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "the last copy took the body with it");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void largeMessageNeverAcknowledgedEndsWholeOnTheDeadLetterQueue(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 2 * 1024 * 1024 + 5;
        Session session = connect("maxDeliveryAttempts=2").createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("poison");
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(size));
        sent.setStringProperty("file", "poison.bin");
        session.createProducer(queue).send(sent);
        MessageConsumer consumer = session.createConsumer(queue);
        for (int attempt = 1; attempt <= 2; attempt++) {
            BytesMessage received = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT);
            assertEquals(size, received.getBodyLength());
            session.recover();
        }
        assertNull(consumer.receive(200));
        consumer.close();
        awaitDepth(db, "DLQ", 1);
        assertEquals(1, db.queryLong("SELECT COUNT(DISTINCT MSG_NO) FROM FMQ_MSG_CHUNK"),
                "the dead letter, a new message, has its own body; the original's went with it");
        broker.stop(); // the dead letter's body is read back from the journal

        Session again = connect("maxDeliveryAttempts=2").createSession(false, Session.CLIENT_ACKNOWLEDGE);
        BytesMessage dead = (BytesMessage) again.createConsumer(again.createQueue("DLQ")).receive(RECEIVE_TIMEOUT);
        assertEquals("poison.bin", dead.getStringProperty("file"));
        assertEquals("poison", dead.getStringProperty("JMS_FerryMQ_OriginalDestination"));
        assertEquals(sent.getJMSMessageID(), dead.getStringProperty("JMS_FerryMQ_OriginalMessageID"));
        assertEquals("maxDeliveries", dead.getStringProperty("JMS_FerryMQ_DeadLetterReason"));
        assertEquals(2, dead.getIntProperty("JMS_FerryMQ_DeliveryCount"));
        assertEquals(size, dead.getBodyLength());
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(dead.getBody(byte[].class)));
        dead.acknowledge();
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"));
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void nonPersistentLargeMessageEndsWholeOnTheDeadLetterQueue(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 2 * 1024 * 1024 + 7;
        Session session = connect("maxDeliveryAttempts=1").createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("np-poison");
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(size));
        session.createProducer(queue).send(sent, DeliveryMode.NON_PERSISTENT, 4, 0);
        MessageConsumer consumer = session.createConsumer(queue);
        assertEquals(size, ((BytesMessage) consumer.receive(RECEIVE_TIMEOUT)).getBodyLength());
        session.recover();
        assertNull(consumer.receive(200));

        BytesMessage dead = (BytesMessage) session.createConsumer(session.createQueue("DLQ")).receive(RECEIVE_TIMEOUT);
        assertEquals(DeliveryMode.NON_PERSISTENT, dead.getJMSDeliveryMode());
        assertEquals("np-poison", dead.getStringProperty("JMS_FerryMQ_OriginalDestination"));
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(dead.getBody(byte[].class)));
        dead.acknowledge();
        awaitNoChunks(db, "the dead letter's body went with its acknowledgement, the original's with the move");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void expiredLargeMessageArrivesWholeOnItsExpiryQueue(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 3 * 1024 * 1024 + 1;
        String policy = "destination.reports.expiryQueue=late.reports";
        Session session = connect(policy).createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("reports");
        MessageProducer producer = session.createProducer(queue);
        producer.setTimeToLive(300);
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(size));
        producer.send(sent);
        while (System.currentTimeMillis() <= sent.getJMSExpiration()) { // a condition, not a timing assertion
            Thread.sleep(20);
        }
        assertNull(session.createConsumer(queue).receive(500), "an expired message was delivered");
        awaitDepth(db, "late.reports", 1);
        broker.stop(); // the moved copy's body is read back from the journal

        Session again = connect(policy).createSession(false, Session.AUTO_ACKNOWLEDGE);
        BytesMessage late = (BytesMessage) again.createConsumer(again.createQueue("late.reports"))
                .receive(RECEIVE_TIMEOUT);
        assertEquals("expired", late.getStringProperty("JMS_FerryMQ_DeadLetterReason"));
        assertEquals(sent.getJMSExpiration(), late.getLongProperty("JMS_FerryMQ_OriginalExpiration"));
        assertEquals(0, late.getJMSExpiration());
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(late.getBody(byte[].class)));
        assertNull(again.createConsumer(again.createQueue("reports")).receive(200));
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void largeMessageRolledBackWithARedeliveryDelayIsReadWholeWhenItComesBack(JournalDatabase database)
            throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 2 * 1024 * 1024 + 9;
        String policy = "destination.slow-large.redeliveryDelay=1000";
        Session session = connect(policy).createSession(true, Session.SESSION_TRANSACTED);
        Queue queue = session.createQueue("slow-large");
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(size));
        session.createProducer(queue).send(sent);
        session.commit();
        MessageConsumer consumer = session.createConsumer(queue);
        assertEquals(size, ((BytesMessage) consumer.receive(RECEIVE_TIMEOUT)).getBodyLength());
        session.rollback(); // it waits in the journal for its redelivery, out of memory

        BytesMessage back = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT);
        assertTrue(back.getJMSRedelivered());
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(back.getBody(byte[].class)));
        session.rollback();
        broker.stop(); // and across a restart, while it waits again

        Session again = connect(policy).createSession(true, Session.SESSION_TRANSACTED);
        BytesMessage third = (BytesMessage) again.createConsumer(again.createQueue("slow-large"))
                .receive(RECEIVE_TIMEOUT);
        assertEquals(3, third.getIntProperty("JMSXDeliveryCount"));
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(third.getBody(byte[].class)));
        again.commit();
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void duplicateLargeSendIsDroppedWithItsBody(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 2 * 1024 * 1024 + 3;
        Connection connection = connect();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("dedup-large");
        MessageProducer producer = session.createProducer(queue);
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(PatternBody.bytes(size));
        message.setStringProperty("JMS_FerryMQ_DuplicateID", "report-1");
        producer.send(message);
        long oneBody = db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK");
        producer.send(message); // dropped
        assertEquals(oneBody, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "the duplicate's body is gone");

        Session transacted = connection.createSession(true, Session.SESSION_TRANSACTED);
        transacted.createProducer(queue).send(message); // dropped at commit
        transacted.commit();
        assertEquals(oneBody, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"),
                "the body of a duplicate sent in a transaction is gone");

        jakarta.jms.XASession xaSession = broker.track(
                new org.ferrymq.client.FerryXAConnectionFactory(broker.url()).createXAConnection()).createXASession();
        javax.transaction.xa.XAResource resource = xaSession.getXAResource();
        org.ferrymq.testing.TestXid xid = org.ferrymq.testing.TestXid.next();
        resource.start(xid, javax.transaction.xa.XAResource.TMNOFLAGS);
        xaSession.createProducer(queue).send(message);
        resource.end(xid, javax.transaction.xa.XAResource.TMSUCCESS);
        assertEquals(javax.transaction.xa.XAResource.XA_RDONLY, resource.prepare(xid), "it only sent a duplicate");
        assertEquals(oneBody, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"),
                "the body of a duplicate an XA branch sent is gone");

        MessageConsumer consumer = session.createConsumer(queue);
        BytesMessage received = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT);
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(received.getBody(byte[].class)));
        assertNull(consumer.receive(500), "a duplicate arrived");
        broker.stop();
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "no chunk is left behind");
    }

    /** Waits (a bounded wait for a move that follows a dispatch) until the journal holds {@code depth} on {@code queue}. */
    private static void awaitDepth(JournalDatabase db, String queue, long depth) throws Exception {
        long deadline = System.currentTimeMillis() + RECEIVE_TIMEOUT;
        while (db.depth(queue) != depth && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(depth, db.depth(queue), "messages on '" + queue + "'");
    }

    /** Memory-only copies release their bodies after their acknowledgement, without it waiting: a bounded wait. */
    private static void awaitNoChunks(JournalDatabase db, String why) throws Exception {
        long deadline = System.currentTimeMillis() + RECEIVE_TIMEOUT;
        while (db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK") > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), why);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void largeMessageAcknowledgedBeforeItsBodyIsReadSaysSo(JournalDatabase database) throws Exception {
        broker.start(database);
        Session session = connect().createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("read-late");
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(2 * 1024 * 1024));
        session.createProducer(queue).send(sent);
        BytesMessage received = (BytesMessage) session.createConsumer(queue).receive(RECEIVE_TIMEOUT);
        received.acknowledge();
        JMSException refused = assertThrows(JMSException.class, () -> received.getBody(byte[].class));
        assertTrue(refused.getMessage().contains("before acknowledging"), refused.getMessage());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void largeSendOfAnXaBranchArrivesOnCommitAndGoesOnRollback(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 3 * 1024 * 1024 + 11;
        jakarta.jms.XAConnection xaConnection = broker.track(
                new org.ferrymq.client.FerryXAConnectionFactory(broker.url()).createXAConnection());
        jakarta.jms.XASession xaSession = xaConnection.createXASession();
        javax.transaction.xa.XAResource resource = xaSession.getXAResource();
        Queue queue = xaSession.createQueue("xa-large");
        MessageProducer producer = xaSession.createProducer(queue);
        BytesMessage message = xaSession.createBytesMessage();
        message.writeBytes(PatternBody.bytes(size));

        org.ferrymq.testing.TestXid rolledBack = org.ferrymq.testing.TestXid.next();
        resource.start(rolledBack, javax.transaction.xa.XAResource.TMNOFLAGS);
        producer.send(message);
        resource.end(rolledBack, javax.transaction.xa.XAResource.TMSUCCESS);
        resource.prepare(rolledBack);
        resource.rollback(rolledBack);
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MSG_CHUNK"), "the rolled-back branch's body is gone");

        org.ferrymq.testing.TestXid committed = org.ferrymq.testing.TestXid.next();
        resource.start(committed, javax.transaction.xa.XAResource.TMNOFLAGS);
        producer.send(message);
        resource.end(committed, javax.transaction.xa.XAResource.TMSUCCESS);
        resource.prepare(committed);
        broker.stop(); // prepared, not committed: the body waits in the journal with the branch
        xaConnection = broker.track(new org.ferrymq.client.FerryXAConnectionFactory(broker.url()).createXAConnection());
        resource = xaConnection.createXASession().getXAResource();
        resource.commit(committed, false);

        Session session = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        BytesMessage received = (BytesMessage) session.createConsumer(queue).receive(RECEIVE_TIMEOUT);
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(received.getBody(byte[].class)));
        assertNull(session.createConsumer(queue).receive(200));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void dupsOkConsumerAcknowledgesLargeMessagesAsItGoes(JournalDatabase database) throws Exception {
        JournalDatabase db = broker.start(database);
        int size = 1024 * 1024 + 1;
        Session session = connect().createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
        Queue queue = session.createQueue("dups-ok-large");
        MessageProducer producer = session.createProducer(queue);
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(PatternBody.bytes(size));
        for (int i = 0; i < 3; i++) {
            producer.send(message);
        }
        MessageConsumer consumer = session.createConsumer(queue);
        for (int i = 0; i < 3; i++) {
            BytesMessage received = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT);
            Thread.sleep(150); // longer than DUPS_OK's batching delay: the body is still there to read
            assertEquals(PatternBody.checksum(size), PatternBody.checksum(received.getBody(byte[].class)));
        }
        assertNull(consumer.receive(500));
        long deadline = System.currentTimeMillis() + RECEIVE_TIMEOUT;
        while (db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE") > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, db.queryLong("SELECT COUNT(*) FROM FMQ_MESSAGE"), "acknowledged while the session is open");
    }
}
