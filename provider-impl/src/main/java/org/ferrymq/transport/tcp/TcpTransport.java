package org.ferrymq.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.ResourceAllocationException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of a TCP connection to a FerryMQ server: each command goes out as a
 * request frame and its caller waits for the answer frame with the same correlation id,
 * while the server's pushes (deliveries, settled acknowledgements, the end of the connection)
 * go to the {@link ClientChannel}.
 *
 * <p>Pipelining: {@link Command.Credit}, {@link Command.AcknowledgeAsync}, the chunks of a large
 * body but each confirmed one, {@link Command.AbortLargeBody}, every
 * {@link Command.Send} of a transacted session and a non-persistent one of a session outside
 * an XA branch go out as one-way requests and return once handed to the I/O thread; the server
 * handles them in order with the others and answers only a refusal: a refused transacted send
 * makes the broker fail the transaction's commit (TransactionRolledBackException naming the
 * refusal), another refused send fails the session's next send, and a refused acknowledgement
 * is reported as settled with that failure (its messages come back). A transaction of n sends
 * thus costs one round trip (its commit), not n + 1. A sender waits while the socket takes no
 * more bytes, which is also how a broker that falls behind slows it down (the server stops
 * reading).
 * An AcknowledgeAsync made while an earlier one of its session still waits for the I/O
 * thread joins it ({@link AcknowledgementBatch}): a listener that consumes faster than the
 * I/O thread writes sends one frame for many messages, and none later than it would alone.
 *
 * <p>Invariant: once the connection is lost or closed, every request waiting for an answer
 * fails at once with the reason, and every later request fails without being written.
 */
public final class TcpTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);

    /** One-way requests queued for the I/O thread beyond which a sender waits (the socket's limits come first). */
    static final int ONEWAY_BACKLOG = 10_000;

    private final String address;
    private final TcpSettings settings;
    private final TlsSettings tls;
    private final AtomicInteger correlationIds = new AtomicInteger();
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Object room = new Object();
    private final Set<Long> transactedSessions = ConcurrentHashMap.newKeySet();
    private final Set<Long> sessionsInBranch = ConcurrentHashMap.newKeySet();
    private final Map<Long, JMSException> refusedSends = new ConcurrentHashMap<>();
    /** Per session, the AcknowledgeAsync queued for the I/O thread and not yet written; guarded by itself. */
    private final Map<Long, AcknowledgementBatch> openAcknowledgements = new HashMap<>();
    private final AtomicInteger acknowledgementFrames = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CompletableFuture<int[]> handshake = new CompletableFuture<>();

    private volatile Channel channel;
    /** With TLS, the TLS handshake's outcome (kept here: a failed handshake takes its handler out of the pipeline). */
    private volatile Future<Channel> tlsHandshake;
    private volatile Outbox outbox;
    private volatile ClientChannel clientChannel;
    /** Why requests fail from now on: set once, when the connection ends. */
    private volatile JMSException failure;
    private volatile boolean closedHere;
    private volatile int heartbeatMillis;
    /** The largest request frame: the smaller of this client's and the server's maxFrameSize. */
    private volatile int maxRequestFrame;

    private TcpTransport(String host, int port, TcpSettings settings, TlsSettings tls) {
        this.address = host + ":" + port;
        this.settings = settings;
        this.tls = tls;
    }

    /**
     * Connects to the server at {@code host:port} and completes the handshake. Fails with a
     * JMSException naming the address when nothing listens there, the server refuses (another
     * protocol version, say) or it does not answer within {@code connectTimeout}.
     */
    public static TcpTransport connect(String host, int port, TcpSettings settings) throws JMSException {
        return connect(host, port, settings, TlsSettings.NONE);
    }

    /**
     * As {@link #connect(String, int, TcpSettings)}, over TLS when {@code tls} is enabled: a
     * TLS handshake that fails (the server's certificate untrusted, expired or naming another
     * host, say) fails with a JMSException that says what to change.
     */
    public static TcpTransport connect(String host, int port, TcpSettings settings, TlsSettings tls)
            throws JMSException {
        TcpTransport transport = new TcpTransport(host, port, settings, tls);
        transport.open(host, port);
        return transport;
    }

    private void open(String host, int port) throws JMSException {
        SslContext tlsContext = null;
        if (tls.enabled()) {
            try {
                tlsContext = tls.clientContext();
            } catch (IllegalArgumentException e) {
                throw failed("Cannot connect to tcp://" + address + " with TLS: " + e.getMessage(), e);
            }
        }
        SslContext context = tlsContext;
        Bootstrap bootstrap = new Bootstrap()
                .group(EventLoops.clients())
                .channel(EventLoops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, EventLoops.WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, settings.connectTimeoutMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (context != null) {
                            SslHandler handler = context.newHandler(ch.alloc(), host, port);
                            handler.setHandshakeTimeoutMillis(settings.connectTimeoutMillis());
                            tlsHandshake = handler.handshakeFuture();
                            ch.pipeline().addLast("tls", handler);
                        }
                        ch.pipeline().addLast("handshake", new HandshakeReply());
                    }
                });
        ChannelFuture connected = bootstrap.connect(host, port);
        if (!connected.awaitUninterruptibly(settings.connectTimeoutMillis() + 1000L) || !connected.isSuccess()) {
            connected.channel().close();
            Throwable cause = connected.cause();
            throw failed("Cannot connect to the FerryMQ server at tcp://" + address + ": "
                    + (cause == null ? "no answer within " + settings.connectTimeoutMillis() + " ms" : cause.getMessage())
                    + "; check that the server runs and listens there", cause);
        }
        channel = connected.channel();
        if (context != null) {
            awaitTls();
        }
        outbox = new Outbox(channel);
        channel.writeAndFlush(Handshake.hello(channel.alloc(), settings.heartbeatMillis(), settings.maxFrameSize()));
        int[] agreed;
        try {
            agreed = handshake.get(settings.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            channel.close();
            Throwable cause = e.getCause();
            if (cause instanceof JMSException refusal) {
                throw refusal;
            }
            throw failed("The FerryMQ server at tcp://" + address + " did not complete the handshake: " + cause, cause);
        } catch (TimeoutException e) {
            channel.close();
            throw failed("The server at tcp://" + address + " did not answer the FerryMQ handshake within "
                    + settings.connectTimeoutMillis() + " ms; check that it is a FerryMQ server", null);
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw failed("Interrupted while connecting to tcp://" + address, e);
        }
        heartbeatMillis = agreed[0];
        maxRequestFrame = Math.min(settings.maxFrameSize(), agreed[1]);
        channel.closeFuture().addListener(f -> lost(failed("The connection to the FerryMQ server at tcp://" + address
                + " was lost", null)));
    }

    /** Waits for the TLS handshake (the handler times it out after connectTimeout). */
    private void awaitTls() throws JMSException {
        Future<Channel> done = tlsHandshake.awaitUninterruptibly();
        if (!done.isSuccess()) {
            channel.close();
            throw failed("Cannot connect to the FerryMQ server at tcp://" + address + " with TLS: "
                    + TlsSettings.explain(done.cause(), address), done.cause());
        }
    }

    private static JMSException failed(String message, Throwable cause) {
        JMSException e = new JMSException(message);
        if (cause != null) {
            e.initCause(cause);
            if (cause instanceof Exception ex) {
                e.setLinkedException(ex);
            }
        }
        return e;
    }

    @Override
    public void setClientChannel(ClientChannel channel) {
        this.clientChannel = channel;
    }

    @Override
    public boolean isLost() {
        return failure != null && !closedHere;
    }

    /** The heartbeat period agreed with the server, in milliseconds (0: none). */
    public int heartbeatMillis() {
        return heartbeatMillis;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R request(Command<R> command) throws JMSException {
        checkOpen();
        if (channel.eventLoop().inEventLoop()) { // it would wait for an answer only this thread can read
            throw new IllegalStateException("A FerryMQ request was made on the connection's I/O thread (from a "
                    + "ClientChannel callback); requests must come from other threads");
        }
        if (command instanceof Command.Send send) {
            JMSException refused = refusedSends.remove(send.sessionId());
            if (refused != null) {
                throw refused;
            }
        }
        if (command instanceof Command.AcknowledgeAsync ack) {
            checkOpen();
            awaitRoom();
            acknowledgeAsync(ack);
            return null;
        }
        track(command);
        if (oneway(command)) {
            awaitRoom();
            write(encode(command, 0), command);
            return null;
        }
        int id = correlationIds.incrementAndGet();
        if (id == 0) { // 0 names no request (pushes, connection-level errors): skip it when the ids wrap
            id = correlationIds.incrementAndGet();
        }
        Pending request = new Pending();
        ByteBuf frame = encode(command, id);
        pending.put(id, request);
        try {
            write(frame, command);
        } catch (JMSException e) {
            pending.remove(id);
            throw e;
        }
        JMSException gone = failure;
        if (gone != null && pending.remove(id) != null) { // lost while we registered: nobody else fails it
            throw copy(gone);
        }
        try {
            return (R) request.await();
        } finally {
            if (command instanceof Command.XaEnd end) { // ended or suspended: no longer associated
                sessionsInBranch.remove(end.sessionId());
            }
        }
    }

    /** A request frame ({@code id} 0: one-way); a value the format cannot carry is refused as a JMSException. */
    private ByteBuf encode(Command<?> command, int id) throws JMSException {
        try {
            return id == 0 ? Frames.oneway(channel.alloc(), command) : Frames.request(channel.alloc(), id, command);
        } catch (RuntimeException e) {
            throw failed("Cannot send " + command.getClass().getSimpleName() + " over TCP: " + e.getMessage(), e);
        }
    }

    /** Hands a request frame to the I/O thread, unless it is larger than the server or this client takes. */
    private void write(ByteBuf frame, Command<?> command) throws JMSException {
        int size = frame.readableBytes() - Frames.LENGTH_FIELD;
        if (size > maxRequestFrame) {
            frame.release();
            throw new ResourceAllocationException(FrameDecoder.tooLarge(size, maxRequestFrame,
                    maxRequestFrame == settings.maxFrameSize() ? "this connection's" : "the server's")
                    + " (" + command.getClass().getSimpleName() + ")");
        }
        outbox.send(frame); // a failed write ends the connection (FrameHandler.exceptionCaught)
    }

    /**
     * Adds the acknowledgement to its session's batch that waits for the I/O thread, or queues
     * a new batch: the frame is made when its turn comes, with every acknowledgement joined by
     * then (at most {@link #maxBatchedDeliveries}, so the frame stays under the size limit).
     */
    private void acknowledgeAsync(Command.AcknowledgeAsync ack) {
        AcknowledgementBatch batch;
        synchronized (openAcknowledgements) {
            AcknowledgementBatch open = openAcknowledgements.get(ack.sessionId());
            if (open != null && open.size + ack.deliveryIds().length <= maxBatchedDeliveries()) {
                open.add(ack.deliveryIds());
                return;
            }
            batch = new AcknowledgementBatch(ack.sessionId(), ack.deliveryIds());
            openAcknowledgements.put(ack.sessionId(), batch);
        }
        outbox.sendMadeLater(() -> {
            synchronized (openAcknowledgements) {
                openAcknowledgements.remove(batch.sessionId, batch); // later ones start a batch of their own
            }
            acknowledgementFrames.incrementAndGet();
            return Frames.oneway(channel.alloc(), new Command.AcknowledgeAsync(batch.sessionId, batch.deliveryIds()));
        });
    }

    /** The most deliveries one batched AcknowledgeAsync frame names: 8 bytes each, well under the frame limit. */
    private int maxBatchedDeliveries() {
        return Math.max(1, Math.min(1024, (maxRequestFrame - 64) / Long.BYTES));
    }

    /**
     * Waits while the socket takes no more bytes: a sender of one-way requests that outruns
     * the network or the broker (which then stops reading) waits here, as a request's caller
     * waits for its answer.
     */
    private void awaitRoom() throws JMSException {
        if (hasRoom()) {
            return;
        }
        boolean interrupted = false;
        try {
            synchronized (room) {
                while (!hasRoom()) {
                    checkOpen();
                    try {
                        room.wait(100);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean hasRoom() {
        return channel.isWritable() && outbox.backlog() < ONEWAY_BACKLOG;
    }

    private void checkOpen() throws JMSException {
        JMSException gone = failure;
        if (gone != null) {
            throw copy(gone);
        }
    }

    /** Which commands need no answer before the caller goes on (see the class comment). */
    private boolean oneway(Command<?> command) {
        if (command instanceof Command.Credit || command instanceof Command.AcknowledgeAsync
                || command instanceof Command.AbortLargeBody) {
            return true;
        }
        if (command instanceof Command.LargeBodyChunk chunk) {
            return !chunk.confirm(); // a failure is reported by the next confirmed chunk, or the send
        }
        if (command instanceof Command.Send send) {
            // a transacted send only joins the transaction (the commit stores it); outside one, only a
            // non-persistent send, which nobody waits to see stored
            return !sessionsInBranch.contains(send.sessionId())
                    && (transactedSessions.contains(send.sessionId()) || !send.message().persistent());
        }
        return false;
    }

    /** Follows what makes a session's sends part of a transaction. */
    private void track(Command<?> command) {
        if (command instanceof Command.CreateSession c && c.transacted()) {
            transactedSessions.add(c.sessionId());
        } else if (command instanceof Command.XaStart c) {
            sessionsInBranch.add(c.sessionId());
        } else if (command instanceof Command.CloseSession c) {
            transactedSessions.remove(c.sessionId());
            sessionsInBranch.remove(c.sessionId());
            refusedSends.remove(c.sessionId());
        }
    }

    /** The failure as a new exception of the same type for this caller, the first one as its cause. */
    private static JMSException copy(JMSException failure) {
        JMSException e = failure instanceof IllegalStateException ? new IllegalStateException(failure.getMessage())
                : new JMSException(failure.getMessage());
        e.initCause(failure);
        e.setLinkedException(failure);
        return e;
    }

    // ---- frames from the server ----

    private void answered(int correlationId, Object value, JMSException error) {
        Pending request = pending.remove(correlationId);
        if (request != null) { // else failed already, when the connection ended
            request.complete(value, error);
        }
    }

    private void pushed(ByteBuf frame) {
        int type = frame.readUnsignedByte();
        ClientChannel listener = clientChannel;
        switch (type) {
            case Frames.PUSH_DELIVER:
                if (listener != null) {
                    listener.deliver(Frames.readDelivery(frame));
                }
                break;
            case Frames.PUSH_ACKNOWLEDGEMENTS_SETTLED: {
                long sessionId = frame.readLong();
                int deliveries = frame.readInt();
                JMSException failed = Wire.readBoolean(frame) ? ErrorCodec.decode(frame) : null;
                if (listener != null) {
                    listener.acknowledgementsSettled(sessionId, deliveries, failed);
                }
                break;
            }
            case Frames.PUSH_CONNECTION_FAILED:
                lost(ErrorCodec.decode(frame));
                break;
            case Frames.PUSH_SEND_REFUSED: {
                long sessionId = frame.readLong();
                JMSException refusal = ErrorCodec.decode(frame);
                if (transactedSessions.contains(sessionId)) { // the broker fails the transaction's commit
                    LOG.warn("A message sent in the transaction of session {} was refused by the server at tcp://{}: "
                            + "{}; the transaction's commit fails and rolls it back", sessionId, address,
                            refusal.getMessage());
                } else {
                    LOG.warn("A non-persistent message of session {} was refused by the server at tcp://{}: {}; the "
                            + "session's next send reports it", sessionId, address, refusal.getMessage());
                    refusedSends.put(sessionId, refusal);
                }
                break;
            }
            default:
                throw new FrameFormatException("unknown push type " + type);
        }
    }

    /**
     * The connection ended without {@link #close}: every waiting request fails with
     * {@code cause}, and the client channel hears of it once, on a thread of its own (its
     * listeners must not hold up the I/O thread).
     */
    private void lost(JMSException cause) {
        if (!end(cause, false)) {
            return;
        }
        ClientChannel listener = clientChannel;
        if (listener != null && !closedHere) {
            Thread report = new Thread(() -> listener.connectionFailed(cause), "ferrymq-tcp-connection-lost");
            report.setDaemon(true);
            report.start();
        }
    }

    /**
     * Ends the connection once: {@code here} when {@link #close} ends it, not a loss. Whichever
     * comes first decides for good, so a lost connection closed afterwards stays lost.
     */
    private boolean end(JMSException cause, boolean here) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        closedHere = here; // before the failure is published: isLost() reads both
        failure = cause;
        synchronized (room) {
            room.notifyAll(); // senders waiting for room fail now
        }
        for (Integer id : List.copyOf(pending.keySet())) {
            Pending request = pending.remove(id);
            if (request != null) {
                request.complete(null, copy(cause));
            }
        }
        Channel c = channel;
        if (c != null) {
            c.close();
        }
        return true;
    }

    /** Ends the connection here: requests still waiting fail as closed. */
    @Override
    public void close() {
        end(new IllegalStateException("The connection to the FerryMQ server at tcp://" + address + " is closed"), true);
    }

    /** For tests: the AcknowledgeAsync frames made so far. */
    int acknowledgementFrames() {
        return acknowledgementFrames.get();
    }

    /** For tests: runs {@code task} on the connection's I/O thread. */
    void onIoThread(Runnable task) {
        channel.eventLoop().execute(task);
    }

    /** For tests: ends the connection as a dying client would, without closing anything at the broker. */
    void abort() {
        close();
    }

    @Override
    public String toString() {
        return "TcpTransport[tcp://" + address + "]";
    }

    /** AcknowledgeAsync requests of one session joined into one frame; guarded by {@code openAcknowledgements}. */
    private static final class AcknowledgementBatch {
        private final long sessionId;
        private long[] ids;
        private int size;

        AcknowledgementBatch(long sessionId, long[] first) {
            this.sessionId = sessionId;
            this.ids = first.clone();
            this.size = first.length;
        }

        void add(long[] more) {
            if (size + more.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(size + more.length, ids.length * 2 + 8));
            }
            System.arraycopy(more, 0, ids, size, more.length);
            size += more.length;
        }

        long[] deliveryIds() {
            return Arrays.copyOf(ids, size);
        }
    }

    /** A request waiting for its answer. */
    private static final class Pending {
        private final CompletableFuture<Object> answer = new CompletableFuture<>();

        void complete(Object value, JMSException error) {
            if (error != null) {
                answer.completeExceptionally(error);
            } else {
                answer.complete(value);
            }
        }

        /** Waits, not interruptibly: the command is on its way, and its answer keeps the two sides in step. */
        Object await() throws JMSException {
            try {
                return answer.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof JMSException jms) {
                    jms.fillInStackTrace(); // thrown again here: show this caller's stack
                    throw jms;
                }
                throw e;
            }
        }
    }

    // ---- the pipeline ----

    /** Reads the server's handshake reply, then puts the frame handlers in its place. */
    private final class HandshakeReply extends ByteToMessageDecoder {

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (handshake.isDone()) {
                return;
            }
            if (in.readableBytes() >= 3 && !Handshake.startsWithMagic(in)) {
                handshake.completeExceptionally(failed("The server at tcp://" + address
                        + " is not a FerryMQ server: its first bytes are not FMQ", null));
                ctx.close();
                return;
            }
            if (in.readableBytes() < Handshake.REPLY_PRELUDE) {
                return;
            }
            int at = in.readerIndex();
            int version = in.getUnsignedByte(at + 3);
            int status = in.getUnsignedByte(at + 4);
            long length = in.getUnsignedInt(at + 5);
            if (length > Handshake.MAX_BODY) {
                handshake.completeExceptionally(failed("The server at tcp://" + address
                        + " sent a handshake reply of " + length + " bytes; it is not a FerryMQ server", null));
                ctx.close();
                return;
            }
            if (in.readableBytes() < Handshake.REPLY_PRELUDE + length) {
                return;
            }
            in.skipBytes(Handshake.REPLY_PRELUDE);
            if (status != Handshake.ACCEPTED) {
                String reason = in.readCharSequence((int) length, StandardCharsets.UTF_8).toString();
                String message = "The FerryMQ server at tcp://" + address + " refused the connection: " + reason;
                handshake.completeExceptionally(status == Handshake.REFUSED_FULL
                        ? new ResourceAllocationException(message) : new JMSException(message));
                ctx.close();
                return;
            }
            if (version != Handshake.VERSION || length < 8) {
                handshake.completeExceptionally(new JMSException("The FerryMQ server at tcp://" + address
                        + " accepted with protocol version " + version + ", but this client speaks version "
                        + Handshake.VERSION + "; use a FerryMQ client of the server's release"));
                ctx.close();
                return;
            }
            int heartbeat = in.readInt();
            int serverMaxFrameSize = in.readInt();
            in.skipBytes((int) length - 8);
            String name = ctx.name();
            if (heartbeat > 0) {
                ctx.pipeline().addAfter(name, "idle", new IdleStateHandler(
                        (long) heartbeat * TcpSettings.SILENT_PERIODS, heartbeat, 0, TimeUnit.MILLISECONDS));
                ctx.pipeline().addAfter("idle", "frames", new FrameDecoder(settings.maxFrameSize(), "client"));
            } else {
                ctx.pipeline().addAfter(name, "frames", new FrameDecoder(settings.maxFrameSize(), "client"));
            }
            ctx.pipeline().addAfter("frames", "connection", new FrameHandler(heartbeat));
            handshake.complete(new int[] {heartbeat, serverMaxFrameSize});
            ctx.pipeline().remove(this); // hands what follows the reply to the frame decoder
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // with TLS 1.3 a server may refuse the client's certificate only after the TLS handshake
            handshake.completeExceptionally(failed("The connection to tcp://" + address
                    + " failed during the FerryMQ handshake: "
                    + (tls.enabled() ? TlsSettings.explain(cause, address) : cause.getMessage()), cause));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            handshake.completeExceptionally(failed("The server at tcp://" + address
                    + " closed the connection during the handshake" + (tls.enabled() ? TlsSettings.CLIENT_CERTIFICATE_HINT
                    : ""), null));
            super.channelInactive(ctx);
        }
    }

    /** Answers, pushes and heartbeats after the handshake. */
    private final class FrameHandler extends ChannelInboundHandlerAdapter {

        private final int heartbeat;

        FrameHandler(int heartbeat) {
            this.heartbeat = heartbeat;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                int kind = frame.readUnsignedByte();
                int correlationId = frame.readInt();
                switch (kind) {
                    case Frames.ANSWER:
                        answered(correlationId, Frames.readAnswer(frame), null);
                        break;
                    case Frames.ERROR:
                        if (correlationId == 0) { // the server gives up on the connection, saying why
                            lost(ErrorCodec.decode(frame));
                        } else {
                            answered(correlationId, null, ErrorCodec.decode(frame));
                        }
                        break;
                    case Frames.PUSH:
                        pushed(frame);
                        break;
                    case Frames.HEARTBEAT:
                        break;
                    default:
                        throw new FrameFormatException("unknown frame kind " + kind);
                }
            } catch (IndexOutOfBoundsException e) {
                throw new FrameFormatException("a frame from the server ends before its last field");
            } finally {
                frame.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.WRITER_IDLE) {
                    ctx.writeAndFlush(Frames.heartbeat(ctx.alloc()));
                } else if (idle.state() == IdleState.READER_IDLE) {
                    lost(failed("The FerryMQ server at tcp://" + address + " sent nothing for "
                            + (long) heartbeat * TcpSettings.SILENT_PERIODS + " ms (heartbeat " + heartbeat
                            + " ms); the connection is considered lost", null));
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                synchronized (room) {
                    room.notifyAll();
                }
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            lost(failed("The connection to the FerryMQ server at tcp://" + address + " failed: "
                    + reason.getMessage(), reason));
        }
    }
}
