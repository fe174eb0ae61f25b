package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import java.nio.file.Path;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limit on messages held in memory only, over tcp://, where non-persistent sends are one-way
 * and handled on the server's I/O thread while they need not wait: a send that must wait for
 * room waits on the connection's command thread instead, and every accepted message arrives once.
 */
class TcpNonPersistentMemoryLimitTest {

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    private final Queue queue = new FerryQueue("np-limited");

    private static Message numbered(Session session, int number) throws Exception {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(new byte[10_000]);
        message.setIntProperty("n", number);
        return message;
    }

    @Test
    void aProducerFasterThanItsConsumerWaitsForRoomAndNothingIsLostOrDuplicated() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.maxNonPersistentMemory(100_000)
                .blockOnFullTimeoutMillis(60_000));
        Session producing = server.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = producing.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        int total = 40; // four times what fits
        for (int i = 0; i < total; i++) {
            producer.send(numbered(producing, i)); // one-way: the server waits for room, not the client
        }

        MessageConsumer consumer = server.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE)
                .createConsumer(queue);
        for (int i = 0; i < total; i++) {
            Message message = consumer.receive(30_000);
            assertNotNull(message, "message " + i + " was lost");
            assertEquals(i, message.getIntProperty("n"));
        }
        assertNull(consumer.receive(200), "a message came twice");
        producer.send(numbered(producing, total)); // no refusal of an earlier send is reported
        assertEquals(total, consumer.receive(30_000).getIntProperty("n"));
    }

    @Test
    void withOnFullFailTheSessionsNextSendReportsTheRefusal() throws Exception {
        server.start(data, TcpSettings.DEFAULTS, config -> config.maxNonPersistentMemory(100_000)
                .onFull(BrokerConfig.OnFull.FAIL));
        Connection connection = server.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                producer.send(numbered(session, i));
            }
        });
        assertTrue(refused.getMessage().contains("(broker setting 'maxNonPersistentMemory')"), refused.getMessage());
        MessageConsumer consumer = session.createConsumer(queue);
        int received = 0;
        while (consumer.receive(500) != null) {
            received++;
        }
        assertTrue(received > 0 && received < 10, "received " + received);
        try {
            producer.send(numbered(session, -2));
        } catch (ResourceAllocationException e) {
            // one-way sends went on after the refused one, and were refused too: the client reports the last of them
            assertTrue(e.getMessage().contains("(broker setting 'maxNonPersistentMemory')"), e.getMessage());
        }
        while (consumer.receive(500) != null) {
            received++;
        }
        producer.send(numbered(session, -1)); // room again, and the connection goes on
        assertEquals(-1, consumer.receive(30_000).getIntProperty("n"));
    }
}
