package org.ferrymq.journal.crash;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The crash tests' child JVMs never hang the build, and a failure shows what the child printed. */
class ChildJvmTest {

    @TempDir
    Path dir;

    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aChildThatFallsSilentIsKilledAtTheDeadlineAndItsOutputShown() throws Exception {
        ChildJvm child = start(FallsSilent.class);

        AssertionError failure = assertThrows(AssertionError.class,
                () -> child.awaitLine("READY", Duration.ofSeconds(5)));

        assertTrue(failure.getMessage().contains("starting, then nothing"), failure.getMessage());
        assertFalse(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false),
                "the silent child was left running");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aChildThatExitsWithoutTheLineFailsWithItsExitCodeAndOutput() throws Exception {
        ChildJvm child = start(GivesUp.class);

        AssertionError failure = assertThrows(AssertionError.class,
                () -> child.awaitLine("READY", Duration.ofSeconds(30)));

        assertTrue(failure.getMessage().contains("giving up"), failure.getMessage());
        assertTrue(failure.getMessage().contains("exit code 3"), failure.getMessage());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void killingAChildThatHadAlreadyExitedFailsWithItsOutput() throws Exception {
        ChildJvm child = start(GivesUp.class);
        child.awaitLine("giving up");
        ProcessHandle.of(child.pid()).ifPresent(p -> p.onExit().join());

        AssertionError failure = assertThrows(AssertionError.class, child::kill);

        assertTrue(failure.getMessage().contains("had already exited, with exit code 3"), failure.getMessage());
        assertTrue(failure.getMessage().contains("giving up"), failure.getMessage());
    }

    private ChildJvm start(Class<?> main) throws Exception {
        ChildJvm child = ChildJvm.start(main, dir.resolve(main.getSimpleName() + ".txt"));
        started.add(child.pid());
        return child;
    }

    /** Prints one line, then nothing, for ever. */
    public static final class FallsSilent {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("starting, then nothing");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    public static final class GivesUp {
        public static void main(String[] args) {
            System.out.println("giving up");
            System.exit(3);
        }
    }
}
