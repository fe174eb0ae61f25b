package org.ferrymq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs each of RunAll's examples as a test of its own, so that {@code ./mvnw verify} shows
 * every example working and names the one that does not. Each example checks its own
 * outcome and throws if it is wrong.
 */
class ExamplesTest {

    /** Far more than any example needs (they wait at most seconds), so a hang fails instead of stalling. */
    private static final Duration EXAMPLE_TIMEOUT = Duration.ofSeconds(60);

    @TestFactory
    Stream<DynamicTest> everyExampleSeesWhatItShows() {
        return RunAll.EXAMPLES.stream().map(example -> DynamicTest.dynamicTest(
                example.name() + ": " + example.shows(),
                () -> assertTimeoutPreemptively(EXAMPLE_TIMEOUT, () -> example.program().run())));
    }

    @Test
    void theNextRunFindsWhatThePreviousRunLeftAfterTheBrokerStopped() throws Exception {
        int before = SurvivesRestart.runAndCount();
        EmbeddedBroker.stop("examples"); // as when the JVM ends; the next connection starts the broker again
        assertEquals(before + 1, SurvivesRestart.runAndCount(), "the message of the previous run was lost");
    }
}
