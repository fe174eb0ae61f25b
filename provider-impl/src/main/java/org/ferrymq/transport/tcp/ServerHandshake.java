package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.ferrymq.broker.BrokerConnection;
import org.ferrymq.server.EmbeddedBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a client's hello, refuses another protocol version (naming both) or a peer that is
 * not a FerryMQ client, and otherwise connects the client to the broker, answers with the
 * agreed heartbeat and this server's maxFrameSize, and puts the frame handlers in its place.
 * A client that has not completed its hello within handshakeTimeout of connecting is closed.
 */
final class ServerHandshake extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ServerHandshake.class);

    private final EmbeddedBroker broker;
    private final TcpSettings settings;
    private final Executor pool;
    private final CountedWarning timedOut;
    private final CountedWarning full;
    /** Set once the client is accepted, refused or timed out; read and written on the channel's event loop only. */
    private boolean done;
    private ScheduledFuture<?> timeout;

    ServerHandshake(EmbeddedBroker broker, TcpSettings settings, Executor pool, CountedWarning timedOut,
            CountedWarning full) {
        this.broker = broker;
        this.settings = settings;
        this.pool = pool;
        this.timedOut = timedOut;
        this.full = full;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        timeout = ctx.executor().schedule(() -> {
            if (!done) {
                done = true;
                timedOut.count(ctx.channel().remoteAddress(), "no FerryMQ hello within "
                        + settings.handshakeTimeoutMillis() + " ms (server setting '" + TcpSettings.HANDSHAKE_TIMEOUT
                        + "')");
                ctx.close();
            }
        }, settings.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    /** Removed when the hello is done or the connection closed: the timer has nothing left to do. */
    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    /** A client whose connection fails before its hello is complete (a reset, say) is closed; nothing of it exists yet. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("The connection from {} failed during the FerryMQ handshake: {}", ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() >= 3 && !Handshake.startsWithMagic(in)) {
            refuse(ctx, in, "This is a FerryMQ server; the client did not open with the FerryMQ handshake (FMQ)");
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        int version = in.getUnsignedByte(in.readerIndex() + 3);
        if (version != Handshake.VERSION) {
            refuse(ctx, in, Handshake.versionRefusal(version));
            return;
        }
        if (in.readableBytes() < Handshake.PRELUDE) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex() + 4);
        if (length < 8 || length > Handshake.MAX_BODY) {
            refuse(ctx, in, "A FerryMQ version 1 hello holds 8 bytes or more, not " + length);
            return;
        }
        if (in.readableBytes() < Handshake.PRELUDE + length) {
            return;
        }
        in.skipBytes(Handshake.PRELUDE);
        int clientHeartbeat = in.readInt();
        int clientMaxFrameSize = in.readInt();
        in.skipBytes((int) length - 8); // later fields of version 1 (credentials, say) are not read yet
        if (clientMaxFrameSize < TcpSettings.MIN_MAX_FRAME_SIZE) {
            refuse(ctx, in, "The client's maxFrameSize of " + clientMaxFrameSize + " bytes is below the least of "
                    + TcpSettings.MIN_MAX_FRAME_SIZE);
            return;
        }
        int heartbeat = Handshake.agreeHeartbeat(clientHeartbeat, settings.heartbeatMillis());
        ServerConnection connection = new ServerConnection(ctx.channel(), pool, clientMaxFrameSize, heartbeat);
        BrokerConnection brokerConnection;
        try {
            brokerConnection = broker.connect(connection);
        } catch (ResourceAllocationException e) {
            // counted, not logged one by one: a flood of clients must not flood the log
            full.count(ctx.channel().remoteAddress(), e.getMessage());
            sendRefusal(ctx, in, Handshake.REFUSED_FULL, e.getMessage());
            return;
        } catch (JMSException e) {
            refuse(ctx, in, e.getMessage());
            return;
        }
        connection.attach(brokerConnection);
        done = true;
        String name = ctx.name();
        String before = name;
        if (heartbeat > 0) {
            ctx.pipeline().addAfter(name, "idle", new IdleStateHandler(
                    (long) heartbeat * TcpSettings.SILENT_PERIODS, heartbeat, 0, TimeUnit.MILLISECONDS));
            before = "idle";
        }
        ctx.pipeline().addAfter(before, "frames", new FrameDecoder(settings.maxFrameSize(), "server"));
        ctx.pipeline().addAfter("frames", "connection", connection);
        ctx.writeAndFlush(Handshake.accept(ctx.alloc(), heartbeat, settings.maxFrameSize()));
        LOG.debug("Client {} connected over TCP (heartbeat {} ms)", ctx.channel().remoteAddress(), heartbeat);
        ctx.pipeline().remove(this); // hands what follows the hello to the frame decoder
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        LOG.info("Refused a connection from {}: {}", ctx.channel().remoteAddress(), reason);
        sendRefusal(ctx, in, Handshake.REFUSED, reason);
    }

    private void sendRefusal(ChannelHandlerContext ctx, ByteBuf in, int status, String reason) {
        done = true;
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(Handshake.refuse(ctx.alloc(), status, reason)).addListener(ChannelFutureListener.CLOSE);
    }
}
