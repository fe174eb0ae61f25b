package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.ferrymq.broker.BrokerConnection;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's TCP connection at the server: request frames become commands handed to its
 * {@link BrokerConnection} in arrival order, off the I/O thread (a command may wait for the
 * journal), each answered by a frame with the request's correlation id; what the broker
 * pushes to the client goes out as push frames.
 *
 * <p>When the socket closes, or the client stays silent for {@link TcpSettings#SILENT_PERIODS}
 * heartbeat periods, the broker connection is closed as the client's CloseConnection would
 * close it: its transactions roll back and what it held unacknowledged is redelivered, flagged.
 *
 * <p>Back-pressure: the broker sends a consumer no more than its credit (the prefetch window);
 * while the socket cannot take more bytes, or {@link #MAX_QUEUED} of the client's requests
 * wait for the broker, the server stops reading this client's requests. One-way requests
 * (see TcpTransport) are answered only when refused, by a push.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter implements ClientChannel {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    /** Requests of one client waiting for the broker beyond which the server stops reading from it. */
    static final int MAX_QUEUED = 1000;

    private final Channel channel;
    private final Outbox outbox;
    private final OrderedExecutor commands;
    private final int clientMaxFrameSize;
    private final int heartbeatMillis;
    private volatile BrokerConnection connection;
    private volatile boolean brokerClosed;
    private volatile boolean givenUp;
    /** Requests received and not yet handled. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Deliveries whose acknowledgements were settled without failure and not yet pushed, by session id. */
    private final Map<Long, Integer> settled = new LinkedHashMap<>();

    ServerConnection(Channel channel, Executor pool, int clientMaxFrameSize, int heartbeatMillis) {
        this.channel = channel;
        this.outbox = new Outbox(channel);
        this.commands = new OrderedExecutor(pool);
        this.clientMaxFrameSize = clientMaxFrameSize;
        this.heartbeatMillis = heartbeatMillis;
    }

    void attach(BrokerConnection connection) {
        this.connection = connection;
    }

    private String client() {
        return String.valueOf(channel.remoteAddress());
    }

    /** The CN of the client's certificate when the listener required one (needClientAuth), else null. */
    @Override
    public String certificateSubject() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            return TlsSettings.commonName(tls.engine().getSession().getPeerPrincipal());
        } catch (SSLPeerUnverifiedException e) {
            return null; // no client certificate was asked for
        }
    }

    /** The client's host address (without its port, which changes with every connection). */
    @Override
    public String remoteAddress() {
        return channel.remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null
                ? address.getAddress().getHostAddress() : client();
    }

    // ---- requests ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            int kind = frame.readUnsignedByte();
            int correlationId = frame.readInt();
            if (kind == Frames.REQUEST || kind == Frames.ONEWAY) {
                Command<?> command = CommandCodec.decode(frame);
                if (kind == Frames.ONEWAY && neverWaits(command)
                        && commands.runIfIdle(() -> handleOneway(command, true))) {
                    return; // handled here, on the I/O thread: nothing of this client was waiting for the broker
                }
                if (kind == Frames.REQUEST) {
                    queue(() -> handle(correlationId, command));
                } else {
                    queue(() -> handleOneway(command, false));
                }
            } else if (kind != Frames.HEARTBEAT) {
                throw new FrameFormatException("a client may send requests and heartbeats, not frames of kind " + kind);
            }
        } catch (IndexOutOfBoundsException e) {
            throw new FrameFormatException("a frame from the client ends before its last field");
        } finally {
            frame.release();
        }
    }

    /**
     * Whether handling {@code command} never waits (for the journal, or for a lock held across a
     * journal write), so that it may run on the I/O thread: a credit; a non-persistent one-way
     * send (TcpTransport sends one-way only those and the sends of a local transaction, which the
     * broker holds until the commit; a persistent one still goes to the command thread); and an
     * AcknowledgeAsync, whose journal write the broker only queues (the client hears of it in an
     * acknowledgements-settled push). Not a large message's send: it waits for its body's last
     * chunks to be stored. A non-persistent send that would have to wait for room in
     * the broker's memory does not wait there: see {@link #handleOneway}.
     */
    private static boolean neverWaits(Command<?> command) {
        return command instanceof Command.Credit
                || command instanceof Command.AcknowledgeAsync
                || command instanceof Command.Send send && !send.message().persistent() && !send.message().isLarge();
    }

    /**
     * Hands {@code handling} to the connection's command thread, after what waits there;
     * reading pauses when too much waits.
     */
    private void queue(Runnable handling) {
        if (queued.incrementAndGet() >= MAX_QUEUED) {
            updateAutoRead();
        }
        commands.execute(() -> handled(handling));
    }

    private void handled(Runnable handling) {
        try {
            handling.run();
        } finally {
            int left = queued.decrementAndGet();
            if (left == MAX_QUEUED / 2 || left == 0) {
                updateAutoRead();
            }
        }
    }

    /**
     * Reads the client's requests only while the socket takes our frames and the broker keeps
     * up: a client that outruns either then finds its own socket full and waits.
     */
    private void updateAutoRead() {
        // decided on the I/O thread only, so the last decision made sees the latest state
        if (!channel.eventLoop().inEventLoop()) {
            try {
                channel.eventLoop().execute(this::updateAutoRead);
            } catch (RejectedExecutionException e) {
                // the acceptor is closing: nothing more is read anyway
            }
            return;
        }
        boolean read = channel.isWritable() && queued.get() < MAX_QUEUED;
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    /**
     * Handles a one-way command; {@code onIoThread}: here, on the I/O thread, where nothing may
     * wait. A send that would wait there for room (onFull=block, the broker's memory for
     * non-persistent messages full) is handed, having kept nothing, to the command thread, which
     * waits; the connection's later commands queue behind it, so order is kept.
     */
    private void handleOneway(Command<?> command, boolean onIoThread) {
        JMSException refusal;
        try {
            if (onIoThread && command instanceof Command.Send send) {
                if (!connection.sendWithoutWaiting(send)) {
                    queue(() -> handleOneway(command, false));
                }
            } else {
                connection.handle(command);
            }
            return;
        } catch (JMSException e) {
            refusal = e;
        } catch (RuntimeException e) {
            LOG.warn("The broker failed on {} from client {}: {}", command, client(), e.toString(), e);
            refusal = new JMSException("The broker failed on " + command.getClass().getSimpleName() + ": " + e
                    + "; see the server's log");
        }
        if (command instanceof Command.AcknowledgeAsync ack) {
            // not accepted, so never settled by the broker: the client must not wait for it
            acknowledgementsSettled(ack.sessionId(), ack.deliveryIds().length, refusal);
        } else if (command instanceof Command.Send send) {
            connection.sendRefusedUnheard(send, refusal);
            outbox.send(Frames.sendRefused(channel.alloc(), send.sessionId(), refusal));
        } else {
            LOG.debug("{} from client {} refused: {}", command, client(), refusal.toString());
        }
    }

    private void handle(int correlationId, Command<?> command) {
        ByteBuf answer;
        try {
            Object value = connection.handle(command);
            answer = Frames.answer(channel.alloc(), correlationId, value);
        } catch (JMSException e) {
            if (connection.brokerStopped()) {
                // not a refusal of this command: the client hears that the server went away, as
                // when its socket closes, and a reconnecting client tries again elsewhere or later
                giveUp(e);
                return;
            }
            answer = Frames.error(channel.alloc(), correlationId, e);
        } catch (RuntimeException e) {
            LOG.warn("The broker failed on {} from client {}: {}", command, client(), e.toString(), e);
            answer = Frames.error(channel.alloc(), correlationId, new JMSException("The broker failed on "
                    + command.getClass().getSimpleName() + ": " + e + "; see the server's log"));
        }
        int size = answer.readableBytes() - Frames.LENGTH_FIELD;
        if (size > clientMaxFrameSize) {
            answer.release();
            answer = Frames.error(channel.alloc(), correlationId, new ResourceAllocationException(
                    FrameDecoder.tooLarge(size, clientMaxFrameSize, "the client's") + " (the answer to "
                            + command.getClass().getSimpleName() + ")"));
        }
        outbox.send(answer);
    }

    // ---- pushes (ClientChannel): the broker calls these from its own threads ----

    @Override
    public void deliver(Delivery delivery) {
        ByteBuf frame = Frames.deliver(channel.alloc(), delivery);
        int size = frame.readableBytes() - Frames.LENGTH_FIELD;
        if (size > clientMaxFrameSize) {
            // the client could not read it; it cannot be delivered over this connection at all
            frame.release();
            LOG.warn("Message {} ({} bytes) exceeds the maxFrameSize of {} bytes of client {}; closing the "
                    + "connection, the message stays on its queue", delivery.message().messageId(), size,
                    clientMaxFrameSize, client());
            giveUp(new ResourceAllocationException(FrameDecoder.tooLarge(size, clientMaxFrameSize, "this client's")
                    + " (a message delivered to consumer " + delivery.consumerId() + ")"));
            return;
        }
        outbox.send(frame);
    }

    /**
     * Tells the client that acknowledgements are settled. Successes are summed per session
     * until the I/O thread writes them, so that the AUTO_ACKNOWLEDGE acknowledgements of many
     * messages, settled one by one, reach the client in one push per session; a failure goes
     * out in a push of its own. The client only counts settled deliveries, so the order of
     * these pushes among themselves and among deliveries does not matter.
     */
    @Override
    public void acknowledgementsSettled(long sessionId, int deliveries, JMSException failure) {
        if (failure != null) {
            outbox.send(Frames.acknowledgementsSettled(channel.alloc(), sessionId, deliveries, failure));
            return;
        }
        boolean first;
        synchronized (settled) {
            first = settled.isEmpty();
            settled.merge(sessionId, deliveries, Integer::sum);
        }
        if (first) { // later ones until the push is made join it
            outbox.sendMadeLater(this::settledPushes);
        }
    }

    /** The pushes for the successes summed since the last ones; null when there are none. */
    private ByteBuf settledPushes() {
        List<Map.Entry<Long, Integer>> sessions;
        synchronized (settled) {
            if (settled.isEmpty()) {
                return null;
            }
            sessions = List.copyOf(settled.entrySet());
            settled.clear();
        }
        if (sessions.size() == 1) {
            return Frames.acknowledgementsSettled(channel.alloc(), sessions.get(0).getKey(),
                    sessions.get(0).getValue(), null);
        }
        CompositeByteBuf pushes = channel.alloc().compositeBuffer(sessions.size());
        for (Map.Entry<Long, Integer> session : sessions) {
            pushes.addComponent(true, Frames.acknowledgementsSettled(channel.alloc(), session.getKey(),
                    session.getValue(), null));
        }
        return pushes;
    }

    @Override
    public void connectionFailed(JMSException cause) {
        brokerClosed = true;
        outbox.sendAndClose(Frames.connectionFailed(channel.alloc(), cause));
    }

    /** Ends the connection, telling the client why in an error frame that answers no request. */
    private void giveUp(JMSException reason) {
        if (givenUp) {
            return;
        }
        givenUp = true;
        outbox.sendAndClose(Frames.error(channel.alloc(), 0, reason));
    }

    // ---- the connection's end ----

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        BrokerConnection c = connection;
        if (c != null && !brokerClosed) {
            // after the commands already received: what the client said before it went comes first
            commands.execute(() -> {
                try {
                    c.handle(new Command.CloseConnection());
                } catch (JMSException e) {
                    // closed already (the client said goodbye, or the broker stopped)
                }
            });
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(Frames.heartbeat(ctx.alloc()), ctx.voidPromise());
            } else if (idle.state() == IdleState.READER_IDLE && ctx.channel().config().isAutoRead()) {
                // (not while we ourselves stopped reading: the client's heartbeats wait in the socket)
                LOG.info("Client {} sent nothing for {} ms (heartbeat {} ms); closing its connection: its transactions "
                        + "roll back and its unacknowledged messages are redelivered", client(),
                        (long) heartbeatMillis * TcpSettings.SILENT_PERIODS, heartbeatMillis);
                giveUp(new JMSException("The server heard nothing from this client for "
                        + (long) heartbeatMillis * TcpSettings.SILENT_PERIODS + " ms (heartbeat " + heartbeatMillis
                        + " ms) and closed the connection"));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (reason instanceof IOException) {
            LOG.debug("Connection of client {} failed: {}", client(), reason.toString());
            ctx.close();
        } else if (reason instanceof FrameDecoder.FrameTooLargeException || reason instanceof FrameFormatException) {
            LOG.warn("Closing the connection of client {}: {}", client(), reason.getMessage());
            giveUp(new JMSException(reason.getMessage()));
        } else {
            LOG.warn("Closing the connection of client {}: {}", client(), reason.toString(), reason);
            giveUp(new JMSException("The server closed the connection: " + reason));
        }
    }
}
