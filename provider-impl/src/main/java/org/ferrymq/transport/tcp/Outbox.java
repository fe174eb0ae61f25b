package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Frames written from threads other than the channel's I/O thread: they go out in the order
 * they were handed in, and frames handed in while the I/O thread is busy leave with one
 * flush (one system call) instead of one each. A frame may also be made only when its turn
 * comes ({@link #sendMadeLater}), so that what was reported meanwhile goes out in it too.
 */
final class Outbox {

    private final Channel channel;
    /** {@link ByteBuf}s, and {@link Supplier}s of one (or of null: nothing to send after all). */
    private final Queue<Object> frames = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger backlog = new AtomicInteger();

    Outbox(Channel channel) {
        this.channel = channel;
    }

    /** Frames handed in and not yet passed to the channel. */
    int backlog() {
        return backlog.get();
    }

    void send(ByteBuf frame) {
        enqueue(frame);
    }

    /** Queues a frame that {@code maker} makes on the I/O thread when its turn comes; it may make none (null). */
    void sendMadeLater(Supplier<ByteBuf> maker) {
        enqueue(maker);
    }

    private void enqueue(Object frame) {
        backlog.incrementAndGet();
        frames.add(frame);
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this::drain);
            } catch (RejectedExecutionException e) { // the I/O threads are shut down: nothing goes out any more
                scheduled.set(false);
                discard();
            }
        }
    }

    /** Sends {@code frame} after those handed in before it, then closes the channel once all are written. */
    void sendAndClose(ByteBuf frame) {
        send(frame);
        try {
            channel.eventLoop().execute(() ->
                    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        } catch (RejectedExecutionException e) {
            channel.close();
        }
    }

    private void drain() {
        scheduled.set(false); // a frame added from now on schedules another drain
        boolean wrote = false;
        for (Object item = frames.poll(); item != null; item = frames.poll()) {
            backlog.decrementAndGet();
            ByteBuf frame = item instanceof ByteBuf made ? made : made((Supplier<?>) item);
            if (frame != null) {
                channel.write(frame, channel.voidPromise()); // a closed channel releases the frame
                wrote = true;
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    private static ByteBuf made(Supplier<?> maker) {
        return (ByteBuf) maker.get();
    }

    private void discard() {
        for (Object item = frames.poll(); item != null; item = frames.poll()) {
            backlog.decrementAndGet();
            if (item instanceof ByteBuf frame) {
                frame.release();
            }
        }
    }
}
