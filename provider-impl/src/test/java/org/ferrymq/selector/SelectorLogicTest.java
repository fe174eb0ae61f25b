package org.ferrymq.selector;

import static org.ferrymq.selector.SelectorTesting.matches;
import static org.ferrymq.selector.SelectorTesting.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** NOT, AND and OR under SQL's three-valued logic, and what counts as a condition. */
class SelectorLogicTest {

    /** A boolean property for TRUE and FALSE; an absent property for UNKNOWN. */
    private static Object[] operand(String name, String truth) {
        return truth.equals("UNKNOWN") ? new Object[0] : new Object[] {name, Boolean.valueOf(truth)};
    }

    private static Object[] operands(String a, String b) {
        Object[] first = operand("a", a);
        Object[] second = operand("b", b);
        Object[] both = new Object[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    @ParameterizedTest(name = "NOT {0} is {1}")
    @CsvSource({"TRUE, FALSE", "FALSE, TRUE", "UNKNOWN, UNKNOWN"})
    void notFollowsTheTruthTable(String a, String expected) throws Exception {
        assertEquals(expected, truthOf("NOT a", operand("a", a)));
    }

    @ParameterizedTest(name = "{0} AND {1} is {2}")
    @CsvSource({
        "TRUE, TRUE, TRUE", "TRUE, FALSE, FALSE", "TRUE, UNKNOWN, UNKNOWN",
        "FALSE, TRUE, FALSE", "FALSE, FALSE, FALSE", "FALSE, UNKNOWN, FALSE",
        "UNKNOWN, TRUE, UNKNOWN", "UNKNOWN, FALSE, FALSE", "UNKNOWN, UNKNOWN, UNKNOWN"})
    void andFollowsTheTruthTable(String a, String b, String expected) throws Exception {
        assertEquals(expected, truthOf("a AND b", operands(a, b)));
    }

    @ParameterizedTest(name = "{0} OR {1} is {2}")
    @CsvSource({
        "TRUE, TRUE, TRUE", "TRUE, FALSE, TRUE", "TRUE, UNKNOWN, TRUE",
        "FALSE, TRUE, TRUE", "FALSE, FALSE, FALSE", "FALSE, UNKNOWN, UNKNOWN",
        "UNKNOWN, TRUE, TRUE", "UNKNOWN, FALSE, UNKNOWN", "UNKNOWN, UNKNOWN, UNKNOWN"})
    void orFollowsTheTruthTable(String a, String b, String expected) throws Exception {
        assertEquals(expected, truthOf("a OR b", operands(a, b)));
    }

    @Test
    void longAndChainIsFalseAsSoonAsOneOperandIsFalseEvenWithUnknownOnes() throws Exception {
        assertEquals("FALSE", truthOf("u AND t AND f AND u2", "t", true, "f", false));
        assertEquals("UNKNOWN", truthOf("t AND u AND t", "t", true));
        assertEquals("TRUE", truthOf("t AND t AND t", "t", true));
    }

    @Test
    void longOrChainIsTrueAsSoonAsOneOperandIsTrueEvenWithUnknownOnes() throws Exception {
        assertEquals("TRUE", truthOf("u OR f OR t OR u2", "t", true, "f", false));
        assertEquals("UNKNOWN", truthOf("f OR u OR f", "f", false));
        assertEquals("FALSE", truthOf("f OR f OR f", "f", false));
    }

    @Test
    void notBindsTighterThanAnd() throws Exception {
        // (NOT t) AND f is FALSE; NOT (t AND f) would be TRUE
        assertFalse(matches("NOT t AND f", "t", true, "f", false));
    }

    @Test
    void andBindsTighterThanOr() throws Exception {
        // t OR (t AND f) is TRUE; (t OR t) AND f would be FALSE
        assertTrue(matches("t OR t AND f", "t", true, "f", false));
    }

    @Test
    void parenthesesOverridePrecedence() throws Exception {
        assertFalse(matches("(t OR f) AND f", "t", true, "f", false));
        assertTrue(matches("TRUE OR (FALSE AND FALSE)"));
    }

    @Test
    void bareBooleanPropertyIsTheWholeCondition() throws Exception {
        assertTrue(matches("flag", "flag", true));
        assertEquals("FALSE", truthOf("flag", "flag", false));
        assertEquals("UNKNOWN", truthOf("flag"));
    }

    @Test
    void propertyThatIsNotABooleanIsUnknownAsACondition() throws Exception {
        assertEquals("UNKNOWN", truthOf("flag", "flag", "true"));
        assertEquals("UNKNOWN", truthOf("flag", "flag", 1));
        assertEquals("UNKNOWN", truthOf("flag AND TRUE", "flag", "true"));
    }

    @Test
    void booleanLiteralsAreConditions() throws Exception {
        assertTrue(matches("TRUE"));
        assertFalse(matches("FALSE"));
        assertTrue(matches("NOT FALSE"));
        assertTrue(matches("((TRUE))"));
    }

    @Test
    void comparisonOfConditionsWithBooleanLiteralsWorks() throws Exception {
        assertTrue(matches("(a > 1) = TRUE", "a", 2));
        assertTrue(matches("(a > 1) <> TRUE", "a", 0));
        assertEquals("UNKNOWN", truthOf("(a > 1) = TRUE"));
    }
}
