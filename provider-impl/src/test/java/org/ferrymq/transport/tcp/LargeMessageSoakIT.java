package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.nio.file.Path;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.testing.HeapWatch;
import org.ferrymq.testing.PatternBody;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB BytesMessage through a TCP server whose broker shares a JVM of {@code -Xmx256m}
 * with its clients (the {@code soak} profile): the sender gives the body as an input stream,
 * the receiver takes it as an output stream, and the broker stores and delivers it in chunks,
 * so nobody holds it and the heap has room for none of it whole. The body is checked byte for
 * byte by its CRC-32, and once consumed nothing of it stays in the journal. Prints the time and
 * the peak heap; {@code -Dlarge.bytes} sends another size.
 */
class LargeMessageSoakIT {

    private static final long SIZE = Long.getLong("large.bytes", 1L << 30);
    private static final long RECEIVE_TIMEOUT = 600_000;

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(ints = {DeliveryMode.PERSISTENT, DeliveryMode.NON_PERSISTENT})
    void gigabyteMessageCrossesABrokerWithAQuarterGigabyteHeap(int deliveryMode) throws Exception {
        server.start(data);
        HeapWatch heap = new HeapWatch();
        long start = System.nanoTime();
        Connection connection = server.track(new FerryConnectionFactory(server.url("")).createConnection());
        connection.start();
        Session sending = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = sending.createQueue("soak-large");
        BytesMessage sent = sending.createBytesMessage();
        sent.setObjectProperty("JMS_FerryMQ_InputStream", PatternBody.stream(SIZE));
        sending.createProducer(queue).send(sent, deliveryMode, 4, 0);
        long sentAt = System.nanoTime();

        Session receiving = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = receiving.createConsumer(queue);
        BytesMessage received = (BytesMessage) consumer.receive(RECEIVE_TIMEOUT);
        assertEquals(SIZE, received.getBodyLength());
        PatternBody.Check check = new PatternBody.Check();
        received.setObjectProperty("JMS_FerryMQ_SaveStream", check);
        received.acknowledge();
        long receivedAt = System.nanoTime();
        heap.stop();
        System.out.printf("LARGE: one %,d MiB %s message over TCP: sent in %.1f s, received in %.1f s; max heap %d "
                + "MiB, peak heap used %d MiB, peak live after GC %d MiB%n", SIZE >> 20,
                deliveryMode == DeliveryMode.PERSISTENT ? "persistent" : "non-persistent",
                (sentAt - start) / 1e9, (receivedAt - sentAt) / 1e9, Runtime.getRuntime().maxMemory() >> 20,
                heap.peakUsed() >> 20, heap.peakAfterGc() >> 20);
        assertEquals(SIZE, check.count());
        assertEquals(PatternBody.checksum(SIZE), check.checksum());
        assertNull(consumer.receive(200), "the message arrives once");
    }
}
