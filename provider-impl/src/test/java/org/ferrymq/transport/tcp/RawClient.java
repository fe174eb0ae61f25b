package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.DestinationName;

/**
 * A client on a plain socket that speaks the frame format by hand: for what a well-behaved
 * client never does (another protocol version, oversized frames, silence).
 */
final class RawClient implements AutoCloseable {

    /** What the server answered to the hello. */
    record Reply(int version, int status, int heartbeat, int maxFrameSize, String refusal) {
    }

    private final Socket socket = new Socket();
    private final DataOutputStream out;
    private final DataInputStream in;
    private int correlationIds;

    RawClient(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(60_000); // a generous bound, so that a broken server fails the test instead of hanging it
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** How long a read waits before it fails with a SocketTimeoutException. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    Reply hello(int version, int heartbeatMillis) throws IOException {
        out.write(Handshake.MAGIC);
        out.writeByte(version);
        out.writeInt(8);
        out.writeInt(heartbeatMillis);
        out.writeInt(TcpSettings.DEFAULT_MAX_FRAME_SIZE);
        out.flush();
        byte[] magic = in.readNBytes(3);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("FMQ")) {
            throw new IOException("not a FerryMQ reply");
        }
        int serverVersion = in.readUnsignedByte();
        int status = in.readUnsignedByte();
        int length = in.readInt();
        if (status != Handshake.ACCEPTED) {
            return new Reply(serverVersion, status, 0, 0, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
        int heartbeat = in.readInt();
        int maxFrameSize = in.readInt();
        in.skipNBytes(length - 8);
        return new Reply(serverVersion, status, heartbeat, maxFrameSize, null);
    }

    /** Writes a request; answers its correlation id. */
    int send(Command<?> command) throws IOException {
        return send(++correlationIds, command);
    }

    private int send(int id, Command<?> command) throws IOException {
        ByteBuf frame = Frames.request(ByteBufAllocator.DEFAULT, id, command);
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            out.write(bytes);
            out.flush();
        } finally {
            frame.release();
        }
        return id;
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame after the length field (kind, correlation id, payload), or null at the end of the stream. */
    ByteBuf readFrame() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        return Unpooled.wrappedBuffer(in.readNBytes(length));
    }

    /** Reads frames until the answer with {@code id}, skipping heartbeats and pushes; fails on an error answer. */
    void awaitAnswer(int id) throws IOException {
        while (true) {
            ByteBuf frame = readFrame();
            if (frame == null) {
                throw new EOFException("the server closed the connection before answering " + id);
            }
            int kind = frame.readUnsignedByte();
            int correlationId = frame.readInt();
            if (correlationId == id && kind == Frames.ANSWER) {
                return;
            }
            if (correlationId == id && kind == Frames.ERROR) {
                throw new IOException("refused: " + ErrorCodec.decode(frame).getMessage());
            }
        }
    }

    /** Exactly {@code count} bytes, or null when the stream ends first. */
    byte[] readBytes(int count) throws IOException {
        byte[] bytes = in.readNBytes(count);
        return bytes.length == count ? bytes : null;
    }

    /** A request whose answer proves that the connection still works: CheckDestination of a queue. */
    static final int PROBE = 0x7EADBEEF;

    /** How a connection ended up after what a test sent: still answering, or closed by the server. */
    enum Outcome { ALIVE, CLOSED_WITH_REASON, CLOSED_WITHOUT_REASON }

    /** The outcome, and the server's reason when it closed the connection with one. */
    record Ending(Outcome outcome, String reason) {
    }

    /**
     * Sends the probe request and reads until its answer or error (ALIVE) or the end of the
     * connection, noting the reason of a connection-level error frame or a connection-failed push.
     */
    Ending probe() throws IOException {
        try {
            send(PROBE, new Command.CheckDestination(DestinationName.queue("probe")));
        } catch (SocketException e) {
            // closed already; what the server said before is still to be read
        }
        String reason = null;
        try {
            while (true) {
                ByteBuf frame = readFrame();
                if (frame == null) {
                    break;
                }
                int kind = frame.readUnsignedByte();
                int correlationId = frame.readInt();
                if (correlationId == PROBE && (kind == Frames.ANSWER || kind == Frames.ERROR)) {
                    return new Ending(Outcome.ALIVE, null);
                }
                if (kind == Frames.ERROR && correlationId == 0) {
                    reason = ErrorCodec.decode(frame).getMessage();
                } else if (kind == Frames.PUSH && frame.readUnsignedByte() == Frames.PUSH_CONNECTION_FAILED) {
                    reason = ErrorCodec.decode(frame).getMessage();
                }
            }
        } catch (SocketException e) {
            // reset by the server: closed as well
        }
        return new Ending(reason == null ? Outcome.CLOSED_WITHOUT_REASON : Outcome.CLOSED_WITH_REASON, reason);
    }

    /** Reads and drops everything until the server closes the connection. */
    void readUntilClosed() throws IOException {
        try {
            while (readFrame() != null) {
                // heartbeats and pushes
            }
        } catch (java.net.SocketException e) {
            // reset by the server: closed as well
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
