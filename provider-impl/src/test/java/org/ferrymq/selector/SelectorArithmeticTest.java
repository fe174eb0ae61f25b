package org.ferrymq.selector;

import static org.ferrymq.selector.SelectorTesting.matches;
import static org.ferrymq.selector.SelectorTesting.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** +, -, *, / and the unary signs. */
class SelectorArithmeticTest {

    @Test
    void eachOperatorComputesOnIntegers() throws Exception {
        assertTrue(matches("a + 5 = 0 AND b - 5 = 5", "a", -5, "b", 10));
        assertTrue(matches("a * 2 = 10 AND b / 2 = -5", "a", 5, "b", -10));
    }

    @Test
    void unarySignsNegateOrKeepTheValue() throws Exception {
        assertTrue(matches("-a < 0 AND +b < 0", "a", 5, "b", -5));
        assertTrue(matches("- a + b = 0", "a", 5, "b", 5));
        assertTrue(matches("- -a = 5", "a", 5));
        assertTrue(matches("-a = -2.5", "a", 2.5f));
    }

    @Test
    void multiplicationAndDivisionBindTighterThanAdditionAndSubtraction() throws Exception {
        assertTrue(matches("a + b * c - d / e = 6", "a", 1f, "b", 2f, "c", 3f, "d", 4f, "e", 4f));
        assertTrue(matches("2 + 3 * 4 = 14"));
        assertTrue(matches("(2 + 3) * 4 = 20"));
        assertTrue(matches("10 - 4 - 3 = 3"));
        assertTrue(matches("24 / 4 / 2 = 3"));
    }

    @Test
    void integerDivisionTruncatesAndFloatingPointDivisionDoesNot() throws Exception {
        assertTrue(matches("a / 2 = 3", "a", 7));
        assertTrue(matches("a / 2 = 3.5", "a", 7.0));
        assertTrue(matches("a / 2.0 = 3.5", "a", 7));
        assertTrue(matches("7 / 2 * 2.0 = 6"));
        assertTrue(matches("7 * 1.0 / 2 = 3.5"));
    }

    @Test
    void integerArithmeticIsDoneInLongSoIntPropertiesDoNotOverflow() throws Exception {
        assertTrue(matches("i + 1 > 2147483647", "i", Integer.MAX_VALUE));
        assertTrue(matches("i * i = 4611686014132420609", "i", Integer.MAX_VALUE));
    }

    @Test
    void integerDivisionByZeroIsUnknown() throws Exception {
        assertEquals("UNKNOWN", truthOf("a / 0 = 1", "a", 1));
        assertEquals("UNKNOWN", truthOf("a / b > 0", "a", 1L, "b", 0));
    }

    @Test
    void floatingPointDivisionByZeroFollowsJava() throws Exception {
        assertTrue(matches("a / 0 > 1E300", "a", 1.0));
        assertTrue(matches("a / 0.0 > 1E300", "a", 1));
    }

    @Test
    void nonNumericOrNullOperandMakesTheResultUnknown() throws Exception {
        assertEquals("UNKNOWN", truthOf("s + 1 = 2", "s", "1"));
        assertEquals("UNKNOWN", truthOf("1 + s = 2", "s", "1"));
        assertEquals("UNKNOWN", truthOf("b * 2 = 2", "b", true));
        assertEquals("UNKNOWN", truthOf("missing + 2 < 10"));
        assertEquals("UNKNOWN", truthOf("-s = -1", "s", "1"));
        assertEquals("UNKNOWN", truthOf("+s = 1", "s", "1"));
    }

    @Test
    void extremeLongLiteralsAreExact() throws Exception {
        assertTrue(matches("a = -9223372036854775808 AND b = 9223372036854775807",
                "a", Long.MIN_VALUE, "b", Long.MAX_VALUE));
        assertTrue(matches("a = -9223372036854775808L AND b = 9223372036854775807L",
                "a", Long.MIN_VALUE, "b", Long.MAX_VALUE));
    }

    @Test
    void exactLiteralsMayBeOctalHexadecimalOrBinaryAsInJava() throws Exception {
        assertTrue(matches("n = 035", "n", 29L));
        assertTrue(matches("n = 0x1d AND n = 0X1D", "n", 29L));
        assertTrue(matches("n = 0b11101", "n", 29));
        assertTrue(matches("n = 0", "n", 0));
        assertTrue(matches("n = -0x1d", "n", -29));
    }

    @Test
    void approximateLiteralsAcceptTheSpecificationsForms() throws Exception {
        assertTrue(matches("a = 7E3 AND b = -57.9E3", "a", 7000.0, "b", -57900.0));
        assertTrue(matches("a = 7000. AND b = .7e4 AND c = 7000.0", "a", 7000.0, "b", 7000.0, "c", 7000.0));
        assertTrue(matches("a = 1.5e-3 AND b = +6.2 AND c = -95.7", "a", 0.0015, "b", 6.2, "c", -95.7));
        assertTrue(matches("a = 2.5D AND b = 2.5d AND c = 2.5f AND d = 7E3F", "a", 2.5, "b", 2.5, "c", 2.5, "d", 7000.0));
        assertTrue(matches("a = 0. AND a = 0.0 AND a = 0", "a", 0));
    }

    @Test
    void floatingPointArithmeticResultComparesWithIntegers() throws Exception {
        assertFalse(matches("a * 1.5 = 3", "a", 3));
        assertTrue(matches("a * 1.5 = 4.5", "a", 3));
        assertTrue(matches("a + b = 3", "a", 1, "b", 2.0f));
    }
}
