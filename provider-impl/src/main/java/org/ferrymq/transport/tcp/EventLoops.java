package org.ferrymq.transport.tcp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Netty's I/O threads: epoll where the platform has it (Linux with the native library on the
 * class path), NIO otherwise. Clients of one JVM share one small group, so a connection costs
 * no threads of its own.
 */
final class EventLoops {

    static final boolean EPOLL = epollAvailable();
    /** A socket counts as full from 1 MiB of unwritten frames, and as writable again below 256 KiB. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private static volatile EventLoopGroup clientGroup;

    private EventLoops() {
    }

    private static boolean epollAvailable() {
        try {
            return Epoll.isAvailable();
        } catch (LinkageError e) { // the classes are there, the native part is not
            return false;
        }
    }

    static EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), ioHandlers());
    }

    private static IoHandlerFactory ioHandlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static Class<? extends ServerChannel> serverSocketChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The I/O threads all client connections of this JVM share; daemon threads, never shut down. */
    static EventLoopGroup clients() {
        EventLoopGroup group = clientGroup;
        if (group == null) {
            synchronized (EventLoops.class) {
                group = clientGroup;
                if (group == null) {
                    group = newGroup(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                            "ferrymq-tcp-client");
                    clientGroup = group;
                }
            }
        }
        return group;
    }
}
