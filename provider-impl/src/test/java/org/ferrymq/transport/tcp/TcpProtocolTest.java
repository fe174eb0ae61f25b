package org.ferrymq.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.DestinationName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The server's side of the protocol, seen from a client that does what a FerryMQ client never does. */
class TcpProtocolTest {

    private static final long RECEIVE_TIMEOUT = 30_000;

    @RegisterExtension
    final TcpServer server = new TcpServer();

    @TempDir
    Path data;

    @Test
    void aClientOfAnotherProtocolVersionIsRefusedNamingBothVersions() throws Exception {
        server.start(data);
        try (RawClient client = new RawClient(server.port())) {
            RawClient.Reply reply = client.hello(99, 0);
            assertEquals(Handshake.REFUSED, reply.status());
            assertEquals(1, reply.version());
            assertTrue(reply.refusal().contains("version 99") && reply.refusal().contains("version 1"),
                    reply.refusal());
            client.readUntilClosed();
        }
    }

    @Test
    void aFrameLargerThanTheServersMaxFrameSizeEndsTheConnectionWithAnErrorNamingTheSetting() throws Exception {
        server.start(data, TcpSettings.DEFAULTS.withMaxFrameSize(64 * 1024), config -> config);
        try (RawClient client = new RawClient(server.port())) {
            RawClient.Reply reply = client.hello(Handshake.VERSION, 0);
            assertEquals(Handshake.ACCEPTED, reply.status());
            assertEquals(64 * 1024, reply.maxFrameSize());
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            new DataOutputStream(header).writeInt(100 * 1024 * 1024);
            client.writeRaw(header.toByteArray());
            ByteBuf frame = client.readFrame();
            assertNotNull(frame, "the server closed without saying why");
            assertEquals(Frames.ERROR, frame.readUnsignedByte());
            assertEquals(0, frame.readInt());
            JMSException error = ErrorCodec.decode(frame);
            assertTrue(error.getMessage().contains("maxFrameSize") && error.getMessage().contains("65536")
                    && error.getMessage().contains("104857600"), error.getMessage());
            client.readUntilClosed();
        }
    }

    @Test
    void aClientAskingForALargerFrameThanTheServerTakesIsRefusedBeforeSending() throws Exception {
        server.start(data, TcpSettings.DEFAULTS.withMaxFrameSize(8 * 1024), config -> config);
        Connection connection = server.track(server.factory().createConnection());
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue("q"));
        jakarta.jms.BytesMessage big = session.createBytesMessage();
        big.writeBytes(new byte[20_000]);
        JMSException refused = org.junit.jupiter.api.Assertions.assertThrows(JMSException.class,
                () -> producer.send(big));
        assertTrue(refused.getMessage().contains("server's maxFrameSize of 8192"), refused.getMessage());
    }

    @Test
    void aSilentClientIsClosedAndItsUnacknowledgedMessagesComeBackFlagged() throws Exception {
        server.start(data);
        Connection connection = server.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue("held"));
        for (int i = 0; i < 20; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
        int prefetch = 5;
        try (RawClient silent = new RawClient(server.port())) {
            RawClient.Reply reply = silent.hello(Handshake.VERSION, 200);
            assertEquals(200, reply.heartbeat());
            silent.awaitAnswer(silent.send(new Command.OpenConnection("silent", null, null, null)));
            silent.awaitAnswer(silent.send(new Command.CreateSession(1, false)));
            silent.awaitAnswer(silent.send(new Command.CreateConsumer(new ConsumerInfo(1, 1,
                    DestinationName.queue("held"), null, false, null, false, false, prefetch))));
            silent.send(new Command.Credit(1, prefetch));
            int delivered = 0;
            while (delivered < prefetch) {
                ByteBuf frame = silent.readFrame();
                assertNotNull(frame, "the server closed the connection before delivering");
                if (frame.readUnsignedByte() == Frames.PUSH && frame.readInt() == 0
                        && frame.readUnsignedByte() == Frames.PUSH_DELIVER) {
                    delivered++;
                }
            }
            // from now on the client says nothing, not even heartbeats: the server must close it
            silent.readUntilClosed();
        }
        MessageConsumer consumer = session.createConsumer(session.createQueue("held"));
        Map<String, Boolean> redelivered = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            Message m = consumer.receive(RECEIVE_TIMEOUT);
            assertNotNull(m, "message " + i + " of 20 did not come back");
            redelivered.put(((TextMessage) m).getText(), m.getJMSRedelivered());
        }
        assertEquals(20, redelivered.size());
        // the silent client held exactly its prefetch window: those, and only those, come back flagged
        assertEquals(prefetch, redelivered.values().stream().filter(flag -> flag).count(), redelivered.toString());
        for (int i = 0; i < prefetch; i++) {
            assertTrue(redelivered.get("m" + i), "m" + i + " was held by the silent client");
        }
    }

    @Test
    void aClientWhoseServerGoesSilentReportsTheLoss() throws Exception {
        // a "server" that accepts the handshake and then says nothing
        try (java.net.ServerSocket mute = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread fake = new Thread(() -> {
                try (java.net.Socket s = mute.accept()) {
                    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                    in.readNBytes(Handshake.PRELUDE + 8);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.write(Handshake.MAGIC);
                    out.writeByte(Handshake.VERSION);
                    out.writeByte(Handshake.ACCEPTED);
                    out.writeInt(8);
                    out.writeInt(200);
                    out.writeInt(TcpSettings.DEFAULT_MAX_FRAME_SIZE);
                    out.flush();
                    while (in.read() >= 0) {
                        // swallow everything, answer nothing
                    }
                } catch (java.io.IOException e) {
                    // the client closed
                }
            }, "mute-server");
            fake.setDaemon(true);
            fake.start();
            TcpTransport transport = TcpTransport.connect("127.0.0.1", mute.getLocalPort(),
                    TcpSettings.DEFAULTS.withHeartbeatMillis(200));
            java.util.concurrent.CompletableFuture<JMSException> lost = new java.util.concurrent.CompletableFuture<>();
            transport.setClientChannel(new org.ferrymq.protocol.ClientChannel() {
                @Override
                public void deliver(org.ferrymq.protocol.Delivery delivery) {
                }

                @Override
                public void connectionFailed(JMSException cause) {
                    lost.complete(cause);
                }
            });
            // a request waiting for an answer that never comes fails when the silence is noticed
            JMSException failed = org.junit.jupiter.api.Assertions.assertThrows(JMSException.class,
                    () -> transport.request(new Command.OpenConnection("c", null, null, null)));
            assertTrue(failed.getMessage().contains("sent nothing"), failed.getMessage());
            JMSException reported = lost.get(RECEIVE_TIMEOUT, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertTrue(reported.getMessage().contains("heartbeat"), reported.getMessage());
            transport.close();
        }
    }

    @Test
    void aServerThatResetsTheConnectionDuringTheHandshakeFailsTheConnectNamingTheReset() throws Exception {
        // a "server" that reads the client's hello and resets the connection (RST, not FIN)
        try (java.net.ServerSocket resetting = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread fake = new Thread(() -> {
                try (java.net.Socket s = resetting.accept()) {
                    s.getInputStream().readNBytes(Handshake.PRELUDE + 8);
                    s.setSoLinger(true, 0);
                } catch (java.io.IOException e) {
                    // the client went first
                }
            }, "resetting-server");
            fake.setDaemon(true);
            fake.start();
            JMSException failed = org.junit.jupiter.api.Assertions.assertThrows(JMSException.class,
                    () -> TcpTransport.connect("127.0.0.1", resetting.getLocalPort(), TcpSettings.DEFAULTS));
            assertTrue(failed.getMessage().contains("tcp://127.0.0.1:" + resetting.getLocalPort()), failed.getMessage());
            assertTrue(failed.getMessage().contains("during the FerryMQ handshake")
                    && failed.getMessage().contains("reset"), failed.getMessage());
        }
    }

    @Test
    void aConnectionToAPortWhereNothingListensFailsNamingTheAddress() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        JMSException refused = org.junit.jupiter.api.Assertions.assertThrows(JMSException.class,
                () -> new FerryConnectionFactory("tcp://127.0.0.1:" + port).createConnection());
        assertTrue(refused.getMessage().contains("127.0.0.1:" + port), refused.getMessage());
        assertFalse(refused.getMessage().contains("null"), refused.getMessage());
    }
}
