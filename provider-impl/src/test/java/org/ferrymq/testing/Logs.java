package org.ferrymq.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.function.Executable;

/** What FerryMQ logs while a test acts: the tests' slf4j-simple writes to System.err (warnings and up). */
public final class Logs {

    private Logs() {
    }

    /** Runs {@code action} and answers what was logged meanwhile. */
    public static String of(Executable action) throws Throwable {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.execute();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
