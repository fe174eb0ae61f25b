package org.ferrymq.transport.tcp;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the server logs while the fuzz tests run (the tests' slf4j-simple writes warnings
 * and up to System.err), still passed on to the real System.err. A server that lets an
 * exception escape its pipeline, lets a damaged command reach the broker as a crash ("The
 * broker failed on ..."), or leaks a buffer leaves a stack trace, Netty's tail-of-pipeline
 * warning or a LEAK report here; a protocol error is logged in one line, without a stack trace.
 */
final class ServerLog implements AutoCloseable {

    private final PrintStream original = System.err;
    private final StringBuilder captured = new StringBuilder();

    ServerLog() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (captured) {
                    captured.append(new String(bytes, offset, length, StandardCharsets.UTF_8));
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** Where the log stands now: {@link #unexpectedSince} reads from here. */
    int mark() {
        synchronized (captured) {
            return captured.length();
        }
    }

    /** What was logged since {@code mark}. */
    String since(int mark) {
        synchronized (captured) {
            return captured.substring(Math.min(mark, captured.length()));
        }
    }

    /** The lines logged since {@code mark} that no protocol error explains (stack traces, escaped exceptions, leaks). */
    List<String> unexpectedSince(int mark) {
        String text = since(mark);
        List<String> unexpected = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean stackTrace = i + 1 < lines.length && lines[i + 1].startsWith("\tat ")
                    || i + 2 < lines.length && lines[i + 2].startsWith("\tat ");
            if (line.contains(" ERROR ")
                    || line.contains(" WARN ") && stackTrace
                    || line.contains("reached at the tail of the pipeline")
                    || line.contains("LEAK:")
                    || line.contains("The broker failed on")) {
                unexpected.add(line);
            }
        }
        return unexpected;
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
