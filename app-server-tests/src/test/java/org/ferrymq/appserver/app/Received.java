package org.ferrymq.appserver.app;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the test application's message-driven beans received, per bean, in order: each entry is
 * the message text, followed by {@code " (redelivered)"} when the message came flagged so.
 * The tests run in the same deployment and read it.
 */
public final class Received {

    private static final Map<String, BlockingQueue<String>> BY_BEAN = new ConcurrentHashMap<>();

    private Received() {
    }

    static void record(String bean, String text, boolean redelivered) {
        queue(bean).add(text + (redelivered ? " (redelivered)" : ""));
    }

    /** The next message {@code bean} received, waiting up to {@code seconds}; null if none came. */
    public static String next(String bean, int seconds) throws InterruptedException {
        return queue(bean).poll(seconds, TimeUnit.SECONDS);
    }

    private static BlockingQueue<String> queue(String bean) {
        return BY_BEAN.computeIfAbsent(bean, b -> new LinkedBlockingQueue<>());
    }
}
