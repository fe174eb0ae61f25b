package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.testing.PatternBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large messages over tcp://: the body crosses in chunks, each a frame of its own, so a body
 * far above {@code maxFrameSize} arrives byte for byte, also after the server restarts.
 */
class TcpLargeMessageTest {

    private static final long RECEIVE_TIMEOUT = 60_000;
    private static final int FIFTY_MIB = 50 * 1024 * 1024;

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    private Connection connect(String parameters) throws JMSException {
        Connection connection = server.track(new FerryConnectionFactory(server.url(parameters)).createConnection());
        connection.start();
        return connection;
    }

    @Test
    void messageFarAboveTheFrameLimitArrivesWholeAfterRestart() throws Exception {
        server.start(data);
        Session session = connect("maxFrameSize=1048576").createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("tcp-large");
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(FIFTY_MIB));
        sent.setLongProperty("length", FIFTY_MIB);
        session.createProducer(queue).send(sent);
        server.restart();

        Session again = connect("maxFrameSize=1048576").createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = again.createConsumer(again.createQueue("tcp-large"));
        BytesMessage received = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT);
        assertEquals(FIFTY_MIB, received.getLongProperty("length"));
        assertEquals(FIFTY_MIB, received.getBodyLength());
        byte[] body = new byte[FIFTY_MIB];
        assertEquals(FIFTY_MIB, received.readBytes(body));
        assertEquals(-1, received.readBytes(new byte[1]));
        assertEquals(PatternBody.checksum(FIFTY_MIB), PatternBody.checksum(body));
        assertNull(consumer.receive(200), "the message arrives once");
    }

    @Test
    void streamedBodyCrossesWithoutEitherSideHoldingIt() throws Exception {
        server.start(data);
        long size = 30L * 1024 * 1024 + 7;
        Connection connection = connect("");
        Session sending = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = sending.createQueue("tcp-streamed");
        BytesMessage sent = sending.createBytesMessage();
        sent.setObjectProperty("JMS_FerryMQ_InputStream", PatternBody.stream(size));
        sending.createProducer(queue).send(sent);

        Session receiving = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = receiving.createConsumer(queue);
        BytesMessage received = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT);
        PatternBody.Check check = new PatternBody.Check();
        received.setObjectProperty("JMS_FerryMQ_SaveStream", check);
        assertEquals(size, check.count());
        assertEquals(PatternBody.checksum(size), check.checksum());
        assertNull(consumer.receive(200));
    }

    @Test
    void largeMessageSentOnIsForwardedWhole() throws Exception {
        server.start(data);
        int size = 3 * 1024 * 1024 + 1;
        Connection connection = connect("");
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue in = session.createQueue("inbox");
        Queue out = session.createQueue("outbox");
        BytesMessage sent = session.createBytesMessage();
        sent.writeBytes(PatternBody.bytes(size));
        session.createProducer(in).send(sent);
        session.commit();

        BytesMessage received = (BytesMessage) session.createConsumer(in).receive(RECEIVE_TIMEOUT);
        session.createProducer(out).send(received); // its body read from the broker as it is sent on
        session.commit();

        BytesMessage forwarded = (BytesMessage) session.createConsumer(out).receive(RECEIVE_TIMEOUT);
        assertEquals(PatternBody.checksum(size), PatternBody.checksum(forwarded.getBody(byte[].class)));
        session.commit();
        assertNull(session.createConsumer(in).receive(200));
        assertTrue(true);
    }
}
