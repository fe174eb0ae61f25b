package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Cuts the byte stream into frames at their length fields and refuses, before reading it, a
 * frame larger than this side's {@code maxFrameSize}, with a message naming the setting.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    private final int maxFrameSize;
    private final String side;
    /**
     * Set when a length field was refused: the bytes after it are not frames, and the closing
     * connection must not decode (and report) them once more.
     */
    private boolean refused;

    /** {@code side} names this end in messages: "server" or "client". */
    FrameDecoder(int maxFrameSize, String side) {
        super(maxFrameSize + Frames.LENGTH_FIELD, 0, Frames.LENGTH_FIELD, 0, Frames.LENGTH_FIELD, true);
        this.maxFrameSize = maxFrameSize;
        this.side = side;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        if (in.readableBytes() >= Frames.LENGTH_FIELD) {
            long size = in.getUnsignedInt(in.readerIndex());
            if (size > maxFrameSize) {
                refused = true;
                throw new FrameTooLargeException(tooLarge(size, maxFrameSize, "the " + side + "'s"));
            }
            if (size < Frames.HEADER) {
                refused = true;
                throw new FrameFormatException("a frame of " + size + " bytes is shorter than a frame header");
            }
        }
        return super.decode(ctx, in);
    }

    static String tooLarge(long size, int maxFrameSize, String whose) {
        return "A frame of " + size + " bytes exceeds " + whose + " maxFrameSize of " + maxFrameSize
                + " bytes; raise maxFrameSize (a URL parameter of the client and a server setting) or send smaller "
                + "messages";
    }

    /** A frame longer than the receiver accepts. */
    static final class FrameTooLargeException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        FrameTooLargeException(String message) {
            super(message);
        }
    }
}
