package org.ferrymq.client;

import jakarta.jms.JMSException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.ferrymq.api.LargeMessages;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.LargeBody;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.Transport;

/**
 * Sends a large message ({@link LargeMessages}): opens a body at the broker, sends it in
 * chunks of {@link LargeBody#CHUNK_SIZE} read from the stream as they go, then the message's
 * headers and properties in a Send naming the body, which stores and routes it. Every
 * {@link #WINDOW}th chunk waits until the broker has stored it and the ones before, so neither
 * side holds more than a few chunks of a body; over TCP the others go without waiting, each
 * in a frame of its own. A send that fails on the way aborts the body: nothing of it arrives,
 * and nothing of it stays stored.
 */
final class LargeMessageSender {

    /** Chunks sent per wait for the broker. */
    static final int WINDOW = 4;

    private LargeMessageSender() {
    }

    static void send(FerrySession session, MessageData headers, InputStream body) throws JMSException {
        Transport transport = session.connection.transport;
        long bodyId = session.connection.nextId();
        transport.request(new Command.BeginLargeBody(session.id, bodyId, headers.destination()));
        long size = 0;
        try {
            int chunks = 0;
            for (byte[] chunk; (chunk = readChunk(body)) != null; ) {
                chunks++;
                size += chunk.length;
                transport.request(new Command.LargeBodyChunk(session.id, bodyId, chunk, chunks % WINDOW == 0));
            }
        } catch (IOException e) {
            abort(transport, session.id, bodyId);
            JMSException failure = new JMSException("Reading the body of the large message to send failed after "
                    + size + " bytes: " + e.getMessage() + "; nothing of it was sent");
            failure.setLinkedException(e);
            failure.initCause(e);
            throw failure;
        } catch (JMSException | RuntimeException e) {
            abort(transport, session.id, bodyId);
            throw e;
        }
        transport.request(new Command.Send(session.id, headers.toBuilder().body(new LargeBody(bodyId, size)).build()));
    }

    /**
     * The next chunk, full unless the stream ends within it; null at its end. A new array each
     * time, as the broker may keep it (in-VM it is handed over as it is).
     */
    private static byte[] readChunk(InputStream body) throws IOException {
        byte[] chunk = new byte[LargeBody.CHUNK_SIZE];
        int n = body.readNBytes(chunk, 0, chunk.length);
        return n == 0 ? null : n == chunk.length ? chunk : Arrays.copyOf(chunk, n);
    }

    private static void abort(Transport transport, long sessionId, long bodyId) {
        try {
            transport.request(new Command.AbortLargeBody(sessionId, bodyId));
        } catch (JMSException e) {
            // the connection is gone: the broker drops the body with the session
        }
    }
}
