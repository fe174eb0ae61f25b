package org.ferrymq.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import jakarta.jms.InvalidSelectorException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.ferrymq.api.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A selector comes from a client, possibly a hostile one, and the broker parses and evaluates
 * it: however long or deep it is, the answer is an InvalidSelectorException naming the limit
 * and the broker setting, never a StackOverflowError or a message as long as the selector.
 */
class SelectorLimitsTest {

    private static final int HUGE = 100_000;
    private static final int LENGTH = BrokerConfig.DEFAULT_MAX_SELECTOR_LENGTH;
    private static final int DEPTH = BrokerConfig.DEFAULT_MAX_SELECTOR_DEPTH;

    static Stream<Arguments> hostileSelectors() {
        return Stream.of(
                arguments("nested parentheses", "(".repeat(HUGE) + "a = 1" + ")".repeat(HUGE)),
                arguments("NOT NOT NOT ...", "NOT ".repeat(HUGE) + "a = 1"),
                arguments("a = 1 AND a = 1 AND ...", "a = 1" + " AND a = 1".repeat(HUGE - 1)),
                arguments("a = 1 OR a = 1 OR ...", "a = 1" + " OR a = 1".repeat(HUGE - 1)),
                arguments("-(-(-(...)))", "-(".repeat(HUGE) + "a" + ")".repeat(HUGE) + " = 1"),
                arguments("- - - ...", "- ".repeat(HUGE) + "a = 1"),
                arguments("1+1+1+...", "a" + "+1".repeat(HUGE - 1) + " = 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileSelectors")
    void aHostileSelectorIsRefusedByTheBrokersLimitsWithAShortMessage(String shape, String selector) {
        InvalidSelectorException e = assertThrows(InvalidSelectorException.class,
                () -> Selector.parse(selector, LENGTH, DEPTH));
        assertTrue(e.getMessage().contains("maxSelectorLength"), e.getMessage());
        assertTrue(e.getMessage().length() < 1_000, "the message quotes a short start of the selector, not all "
                + e.getMessage().length() + " characters");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileSelectors")
    void aHostileSelectorNeverOverflowsTheStackUnderTheWidestLimits(String shape, String selector) throws Exception {
        // the widest limits are those of a client's early check: no length limit, the deepest nesting a broker
        // can be set to; nesting past it, or past what the stack holds, is refused, and chains are parsed and
        // evaluated without recursion
        for (int stack : new int[] {256 * 1024, 1024 * 1024}) {
            Object outcome = onStack(stack, () -> Selector.parse(selector).matches(Map.<String, Object>of("a", 2L)::get));
            if (outcome instanceof InvalidSelectorException e) {
                assertTrue(e.getMessage().contains("maxSelectorDepth"), e.getMessage());
                assertTrue(e.getMessage().length() < 1_000, e.getMessage());
            } else {
                assertEquals(Boolean.FALSE, outcome, shape);
            }
        }
    }

    @Test
    void aSelectorAsLongAsTheLimitIsAccepted() throws Exception {
        String selector = "a = 1" + " ".repeat(LENGTH - "a = 1".length());
        assertEquals(LENGTH, selector.length());
        assertTrue(Selector.parse(selector, LENGTH, DEPTH).matches(Map.<String, Object>of("a", 1L)::get));
    }

    @Test
    void aSelectorOneCharacterOverTheLimitIsRefusedNamingTheLimitAndTheSetting() {
        String selector = "a = 1" + " ".repeat(LENGTH + 1 - "a = 1".length());
        InvalidSelectorException e = assertThrows(InvalidSelectorException.class,
                () -> Selector.parse(selector, LENGTH, DEPTH));
        assertTrue(e.getMessage().startsWith("Invalid selector \"a = 1     "), e.getMessage());
        assertTrue(e.getMessage().endsWith("the selector has " + (LENGTH + 1) + " characters, more than the "
                + LENGTH + " the broker accepts (broker setting 'maxSelectorLength'); shorten it or raise the "
                + "setting"), e.getMessage());
    }

    @Test
    void nestingAsDeepAsTheLimitIsAcceptedAndOneLevelMoreIsRefusedNamingTheSetting() throws Exception {
        String atLimit = "NOT ".repeat(DEPTH) + "a = 1";
        assertEquals(DEPTH % 2 == 0, Selector.parse(atLimit, LENGTH, DEPTH).matches(Map.<String, Object>of("a", 1L)::get));
        String problem = ": parentheses, NOTs and signs nest more than " + DEPTH
                + " deep here (broker setting 'maxSelectorDepth'); flatten the selector or raise the setting";
        InvalidSelectorException e = assertThrows(InvalidSelectorException.class,
                () -> Selector.parse("(".repeat(DEPTH + 1) + "a = 1" + ")".repeat(DEPTH + 1), LENGTH, DEPTH));
        assertTrue(e.getMessage().endsWith(" at position " + (DEPTH + 1) + problem), e.getMessage());
        e = assertThrows(InvalidSelectorException.class,
                () -> Selector.parse("NOT ".repeat(DEPTH + 1) + "a = 1", LENGTH, DEPTH));
        assertTrue(e.getMessage().endsWith(" at position " + (4 * DEPTH + 1) + problem), e.getMessage());
    }

    @Test
    void theDeepestNestingABrokerCanBeSetToIsEvaluatedOrRefusedButNeverOverflowsASmallStack() throws Exception {
        int deepest = BrokerConfig.MAX_SELECTOR_DEPTH_CEILING;
        String negated = "NOT ".repeat(deepest) + "a = 1";
        assertEquals(deepest % 2 == 0, Selector.parse(negated).matches(Map.<String, Object>of("a", 1L)::get));
        int quarter = deepest / 4; // NOTs, parentheses, and signs each with their parentheses
        String mixed = "NOT ".repeat(quarter) + "(".repeat(quarter) + "-(".repeat(quarter) + "a" + ")".repeat(quarter)
                + " = " + (quarter % 2 == 0 ? "1" : "-1") + ")".repeat(quarter);
        for (String selector : new String[] {negated, mixed, "(".repeat(deepest) + "a = 1" + ")".repeat(deepest)}) {
            Object outcome = onStack(256 * 1024,
                    () -> Selector.parse(selector).matches(Map.<String, Object>of("a", 1L)::get));
            if (outcome instanceof InvalidSelectorException e) {
                assertTrue(e.getMessage().contains("more than this thread's stack holds"), e.getMessage());
            } else {
                assertEquals(!selector.equals(negated) || deepest % 2 == 0, outcome, selector);
            }
        }
    }

    private interface Match {
        boolean run() throws InvalidSelectorException;
    }

    /** What {@code match} returned, or threw, on a thread of {@code stackBytes} of stack. */
    private static Object onStack(int stackBytes, Match match) throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                outcome.set(match.run());
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "stack-" + stackBytes, stackBytes);
        thread.start();
        thread.join();
        return outcome.get();
    }
}
