package org.ferrymq.transport.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import jakarta.jms.JMSException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.ferrymq.server.EmbeddedBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for FerryMQ clients on a TCP port and connects each to one broker. Each client's
 * commands run in order on a shared pool of command threads (a command may wait for the
 * journal); Netty's I/O threads only read, write and cut frames.
 */
public final class TcpAcceptor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpAcceptor.class);
    private static final AtomicLong THREADS = new AtomicLong();

    private final EmbeddedBroker broker;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService commandThreads;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final InetSocketAddress address;
    private final CountedWarning handshakesTimedOut =
            new CountedWarning(LOG, "closed for not completing the FerryMQ hello in time");
    private final CountedWarning refusedFull =
            new CountedWarning(LOG, "refused because the broker has as many connections as it accepts");
    private volatile boolean closed;

    private TcpAcceptor(EmbeddedBroker broker, String host, int port, TcpSettings settings, TlsSettings tls)
            throws JMSException {
        this.broker = broker;
        ServerTlsContext tlsContext = tlsContext(broker, tls);
        this.boss = EventLoops.newGroup(1, "ferrymq-tcp-accept");
        this.workers = EventLoops.newGroup(0, "ferrymq-tcp-io");
        this.commandThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "ferrymq-tcp-command-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(EventLoops.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, EventLoops.WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        if (tlsContext != null) {
                            ch.pipeline().addLast("tls-required", new TlsRequired(tlsContext));
                        }
                        ch.pipeline().addLast("handshake", new ServerHandshake(broker, settings, commandThreads,
                                handshakesTimedOut, refusedFull));
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdown();
            JMSException e = new JMSException("Broker '" + broker.name() + "' cannot listen on " + host + ":" + port
                    + ": " + bound.cause().getMessage() + "; choose a free port, or stop what uses it");
            e.initCause(bound.cause());
            throw e;
        }
        Channel server = bound.channel();
        channels.add(server);
        this.address = (InetSocketAddress) server.localAddress();
        LOG.info("Broker '{}' listens for FerryMQ clients on tcp://{}:{} ({}, {}, heartbeat {} ms, maxFrameSize {} bytes, "
                + "handshakeTimeout {} ms)", broker.name(), address.getHostString(), address.getPort(), tls,
                EventLoops.EPOLL ? "epoll" : "NIO", settings.heartbeatMillis(), settings.maxFrameSize(),
                settings.handshakeTimeoutMillis());
    }

    /** The TLS context of the listener, or null for plain TCP; a store that cannot be read fails the start. */
    private static ServerTlsContext tlsContext(EmbeddedBroker broker, TlsSettings tls) throws JMSException {
        if (!tls.enabled()) {
            return null;
        }
        try {
            return new ServerTlsContext(tls);
        } catch (IllegalArgumentException e) {
            JMSException failure = new JMSException("Broker '" + broker.name() + "' cannot listen with TLS: "
                    + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    /** Listens on {@code host:port} (port 0: any free port, see {@link #port()}) for clients of {@code broker}. */
    public static TcpAcceptor start(EmbeddedBroker broker, String host, int port, TcpSettings settings) throws JMSException {
        return new TcpAcceptor(broker, host, port, settings, TlsSettings.NONE);
    }

    /** As {@link #start(EmbeddedBroker, String, int, TcpSettings)}, taking only TLS connections when {@code tls} is enabled. */
    public static TcpAcceptor start(EmbeddedBroker broker, String host, int port, TcpSettings settings,
            TlsSettings tls) throws JMSException {
        return new TcpAcceptor(broker, host, port, settings, tls);
    }

    /** The port it listens on: the one it was given, or the one chosen for port 0. */
    public int port() {
        return address.getPort();
    }

    /** The client connections open now, a FerryMQ hello completed or not. */
    public int openConnections() {
        return (int) channels.stream().filter(channel -> channel instanceof SocketChannel).count();
    }

    /** The clients closed so far for not completing their hello within {@code handshakeTimeout}. */
    public long handshakesTimedOut() {
        return handshakesTimedOut.total();
    }

    /** Whether {@link #close()} has been called: it no longer listens. */
    public boolean isClosed() {
        return closed;
    }

    public InetSocketAddress address() {
        return address;
    }

    /**
     * Stops listening and closes every client connection; the broker closes what they held
     * as it does for any client that goes away. The broker itself keeps running.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channels.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        shutdown();
        LOG.info("Broker '{}' no longer listens on tcp://{}:{}", broker.name(), address.getHostString(),
                address.getPort());
    }

    private void shutdown() {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        commandThreads.shutdown(); // the connections' closing commands still run
    }
}
