package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The first bytes each way (README.md, "The TCP protocol"). The client says {@code FMQ}, its protocol version and
 * a hello (heartbeat period, the largest frame it accepts); the server answers with {@code FMQ},
 * its version and either acceptance (the agreed heartbeat period, the largest frame it
 * accepts) or a refusal in words, after which it closes the connection. A refusal because the
 * server is full has a status of its own, so that the client can raise the spec's exception.
 */
final class Handshake {

    static final byte[] MAGIC = {'F', 'M', 'Q'};
    /** The protocol version this code speaks; a peer of another version is refused by name. */
    static final int VERSION = 1;
    /** Magic, version, and the 4-byte length of what follows. */
    static final int PRELUDE = 8;
    /** Magic, version, status and length (server's reply). */
    static final int REPLY_PRELUDE = 9;
    /** No hello or reply of version 1 comes near this; a longer one is not from a FerryMQ peer. */
    static final int MAX_BODY = 64 * 1024;

    static final int ACCEPTED = 0;
    static final int REFUSED = 1;
    /** Refused because the server holds as many connections as it accepts: the client's ResourceAllocationException. */
    static final int REFUSED_FULL = 2;

    private Handshake() {
    }

    static ByteBuf hello(ByteBufAllocator alloc, int heartbeatMillis, int maxFrameSize) {
        ByteBuf out = alloc.buffer(PRELUDE + 8);
        out.writeBytes(MAGIC);
        out.writeByte(VERSION);
        out.writeInt(8);
        out.writeInt(heartbeatMillis);
        out.writeInt(maxFrameSize);
        return out;
    }

    static ByteBuf accept(ByteBufAllocator alloc, int heartbeatMillis, int maxFrameSize) {
        ByteBuf out = alloc.buffer(REPLY_PRELUDE + 8);
        out.writeBytes(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(ACCEPTED);
        out.writeInt(8);
        out.writeInt(heartbeatMillis);
        out.writeInt(maxFrameSize);
        return out;
    }

    static ByteBuf refuse(ByteBufAllocator alloc, int status, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.buffer(REPLY_PRELUDE + text.length);
        out.writeBytes(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(status);
        out.writeInt(text.length);
        out.writeBytes(text);
        return out;
    }

    /** True when the buffer starts with the magic bytes (it must hold at least three). */
    static boolean startsWithMagic(ByteBuf in) {
        int at = in.readerIndex();
        return in.getByte(at) == MAGIC[0] && in.getByte(at + 1) == MAGIC[1] && in.getByte(at + 2) == MAGIC[2];
    }

    static String versionRefusal(int clientVersion) {
        return "FerryMQ protocol version " + clientVersion + " is not supported: this server speaks version "
                + VERSION + " and the client asked for version " + clientVersion
                + "; use a FerryMQ client of the server's release";
    }

    /** The agreed heartbeat period: the shorter of the two, or none if both sides want none. */
    static int agreeHeartbeat(int client, int server) {
        if (client <= 0) {
            return Math.max(server, 0);
        }
        if (server <= 0) {
            return client;
        }
        return Math.min(client, server);
    }
}
