package org.ferrymq.journal.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash test's load speaks up when it breaks, instead of going on without a role. */
class CrashLoadTest {

    @Test
    void aRoleThatThrowsStopsTheLoadAndPrintsItsStackTrace(@TempDir Path logs) throws Exception {
        // a real refusal: the broker does not create the load's queue, so every role's first call throws
        String url = "vm://refusing?journal=memory&autoCreateDestinations=false";
        ChildJvm load = ChildJvm.start(CrashLoad.class, logs.resolve("stdout.txt"), url, logs.toString(), "1", "load");

        int exitCode = load.awaitExit(30);

        String output = String.join("\n", load.lines());
        assertEquals(2, exitCode, output);
        assertTrue(output.contains("ROLE FAILED"), output);
        assertTrue(output.contains("jakarta.jms.InvalidDestinationException"), output);
        assertTrue(output.contains("\tat org.ferrymq.journal.crash.CrashLoad"), "no stack trace: " + output);
    }
}
