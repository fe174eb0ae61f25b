package org.ferrymq.selector;

import static org.ferrymq.selector.SelectorTesting.matches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import jakarta.jms.InvalidSelectorException;
import java.util.stream.Stream;
import org.ferrymq.api.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What parses, and how a selector that does not parse is reported. */
class SelectorSyntaxTest {

    @Test
    void nullOrBlankSelectorSelectsEverything() throws Exception {
        assertNull(Selector.parse(null));
        assertNull(Selector.parse(""));
        assertNull(Selector.parse(" \t\r\n\f"));
    }

    @Test
    void expressionIsTheOriginalText() throws Exception {
        String text = "  color = 'blue'  AND weight>2500 ";
        assertEquals(text, Selector.parse(text).expression());
        assertEquals(text, Selector.parse(text).toString());
    }

    @Test
    void keywordsAreCaseInsensitive() throws Exception {
        assertTrue(matches("p0 is null and p1 like 'fooG_%' escape 'G' and p2 in ('a', 'b')"
                        + " and p3 not between 0 and 10 and (p4 or false) And Not p5 iS nOt NuLl",
                "p1", "foo_test", "p2", "a", "p3", 20, "p4", true));
        assertTrue(matches("true Or FALSE"));
    }

    @Test
    void identifiersAreCaseSensitive() throws Exception {
        assertTrue(matches("myProp = TRUE AND MYpROP = FALSE", "myProp", true, "MYpROP", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"_correct", "$correct", "a1", "a_b$c", "\u00e9t\u00e9", "\u0394elta", "JMSX_x", "nullable",
        "andrew", "order", "iS_", "TRUEish"})
    void identifiersFollowJavaIdentifierRules(String identifier) throws Exception {
        assertTrue(matches(identifier + " IS NULL"));
        assertTrue(matches(identifier + " = 1", identifier, 1));
    }

    @Test
    void anyWhitespaceSeparatesTokens() throws Exception {
        assertTrue(matches("t   =   'foo'", "t", "foo"));
        assertTrue(matches("t\t=\t'foo'", "t", "foo"));
        assertTrue(matches("t\f=\f'foo'", "t", "foo"));
        assertTrue(matches("t\n=\r\n'foo'", "t", "foo"));
        assertTrue(matches("t='foo'AND(n>1)", "t", "foo", "n", 2));
    }

    @Test
    void veryLongChainsParseAndMatchWithoutDeepRecursion() throws Exception {
        StringBuilder ors = new StringBuilder("n = 0");
        StringBuilder sum = new StringBuilder("n");
        for (int i = 1; i < 20_000; i++) {
            ors.append(" OR n = ").append(i);
            sum.append(" + n");
        }
        assertTrue(matches(ors.toString(), "n", 19_999));
        assertTrue(matches(sum + " = 20000", "n", 1));
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndEvaluated() throws Exception {
        int depth = BrokerConfig.DEFAULT_MAX_SELECTOR_DEPTH;
        String parenthesised = "(".repeat(depth) + "a" + ")".repeat(depth);
        assertTrue(matches(parenthesised, "a", true));
        assertFalse(matches(parenthesised, "a", false));
        String negated = "NOT ".repeat(depth) + "a";
        assertEquals(depth % 2 == 0, matches(negated, "a", true));
        assertEquals(depth % 2 != 0, matches(negated, "a", false));
    }

    @Test
    void errorMessageNamesTheSelectorThePositionAndTheProblem() {
        InvalidSelectorException e = assertThrows(InvalidSelectorException.class,
                () -> Selector.parse("price > 'cheap'"));
        assertEquals("Invalid selector \"price > 'cheap'\" at position 9:"
                + " '>' compares numbers only, but this is a string", e.getMessage());
    }

    static Stream<Arguments> invalidSelectors() {
        return Stream.of(
                // tokens
                arguments("1uncorrect IS NULL", 1, "'1uncorrect' is not a valid number"),
                arguments("%uncorrect IS NULL", 1, "unexpected character '%'"),
                arguments("a # 1", 3, "unexpected character '#'"),
                arguments("a != 1", 3, "write 'not equal' as <>"),
                arguments("a = \"x\"", 5, "string literals use single quotes"),
                arguments("a = 'open", 5, "no closing quote"),
                arguments("a = 1e", 5, "exponent of the number '1e' has no digits"),
                arguments("a = 0x", 5, "has no digits"),
                arguments("a = 5abc", 5, "'5abc' is not a valid number"),
                arguments("a = 1.5L", 5, "'1.5L' is not a valid number"),
                arguments("a = 9223372036854775808", 5, "out of the range of a long"),
                arguments("a = -9223372036854775809", 5, "out of the range of a long"),
                arguments("a = 0x1FFFFFFFFFFFFFFFF", 5, "out of the range of a long"),
                arguments("a = 09", 5, "octal"),
                arguments("a = 1e999", 5, "too large for a double"),
                // reserved words are not identifiers
                arguments("NULL = 0", 1, "NULL can only be tested with IS NULL"),
                arguments("TRUE > 0", 1, "'>' compares numbers only, but this is a boolean"),
                arguments("FALSE > 0", 1, "'>' compares numbers only, but this is a boolean"),
                arguments("TRUE = 0", 6, "'=' cannot compare a boolean with a number"),
                arguments("NOT > 0", 5, "expected a value, found '>'"),
                arguments("AND > 0", 1, "found 'AND', a reserved word"),
                arguments("OR > 0", 1, "found 'OR', a reserved word"),
                arguments("BETWEEN > 0", 1, "found 'BETWEEN', a reserved word"),
                arguments("LIKE > 0", 1, "found 'LIKE', a reserved word"),
                arguments("IN > 0", 1, "found 'IN', a reserved word"),
                arguments("IS > 0", 1, "found 'IS', a reserved word"),
                arguments("ESCAPE > 0", 1, "found 'ESCAPE', a reserved word"),
                arguments("escape = 0", 1, "found 'escape', a reserved word"),
                arguments("a = NULL", 5, "NULL can only be tested with IS NULL"),
                // structure
                arguments("(a = 1", 7, "expected ')' to close the '(' at position 1, found the end of the selector"),
                arguments("((a = 1)", 9, "expected ')' to close the '(' at position 1"),
                arguments("a = 1)", 6, "this ')' has no matching '('"),
                arguments("()", 2, "expected a value, found ')'"),
                arguments("a = 1 b", 7, "expected AND, OR or the end of the selector, found 'b'"),
                arguments("a = 1 'x'", 7, "found the string 'x'"),
                arguments("a = 1 = 2", 7, "expected AND, OR or the end of the selector, found '='"),
                arguments("a b", 3, "expected AND, OR or the end of the selector"),
                arguments("=TEST 'test'", 1, "expected a value, found '='"),
                arguments("a = = 1", 5, "expected a value, found '='"),
                arguments("a =", 4, "the selector ends where a value was expected"),
                arguments("a = 1 AND", 10, "the selector ends where a value was expected"),
                arguments("AND a = 1", 1, "found 'AND'"),
                arguments("NOT", 4, "the selector ends where a value was expected"),
                arguments("a +", 4, "the selector ends where a value was expected"),
                arguments("a NOT 5", 7, "expected BETWEEN, LIKE or IN after NOT, found '5'"),
                arguments("a IS 5", 6, "expected NULL after IS, found '5'"),
                arguments("a IS NOT 5", 10, "expected NULL after IS NOT, found '5'"),
                // a condition is required
                arguments("1 + 2", 1, "a condition is needed here, but this is a number"),
                arguments("price * 2", 1, "a condition is needed here, but this is a number"),
                arguments("5", 1, "a condition is needed here, but this is a number"),
                arguments("'abc'", 1, "a condition is needed here, but this is a string"),
                arguments("a = 1 AND 7", 11, "a condition is needed here, but this is a number"),
                arguments("'x' OR a", 1, "a condition is needed here, but this is a string"),
                arguments("NOT (1 + 2)", 5, "a condition is needed here, but this is a number"),
                // types visible at parse time
                arguments("price > 'cheap'", 9, "'>' compares numbers only, but this is a string"),
                arguments("myProp >= 'foo'", 11, "'>=' compares numbers only"),
                arguments("myProp < 'foo'", 10, "'<' compares numbers only"),
                arguments("myProp <= 'foo'", 11, "'<=' compares numbers only"),
                arguments("'foo' > TRUE", 1, "'>' compares numbers only, but this is a string"),
                arguments("'abc' = 5", 7, "'=' cannot compare a string with a number"),
                arguments("a + 1 = 'x'", 7, "'=' cannot compare a number with a string"),
                arguments("'x' <> (a > 1)", 5, "'<>' cannot compare a string with a boolean"),
                arguments("TRUE + 1 = 2", 1, "arithmetic needs numbers, but this is a boolean"),
                arguments("1 + (a > 1) = 2", 5, "arithmetic needs numbers, but this is a boolean"),
                arguments("a * 'x' = 2", 5, "arithmetic needs numbers, but this is a string"),
                arguments("-TRUE = 1", 2, "a sign needs a number, but this is a boolean"),
                arguments("-'x' = 1", 2, "a sign needs a number, but this is a string"),
                // BETWEEN
                arguments("a BETWEEN 1", 12, "expected AND between the bounds of BETWEEN"),
                arguments("a BETWEEN 1 OR 2", 13, "expected AND between the bounds of BETWEEN, found 'OR'"),
                arguments("a BETWEEN 'foo' AND 'test'", 11, "BETWEEN compares numbers only, but this is a string"),
                arguments("'a' BETWEEN 1 AND 2", 1, "BETWEEN compares numbers only"),
                // IN
                arguments("a NOT IN (1, 2, 3)", 11, "an IN list holds string literals only, found '1'"),
                arguments("a IN ('x', b)", 12, "string literals only, found 'b'"),
                arguments("a IN ()", 7, "the IN list is empty"),
                arguments("a IN 'x'", 6, "IN needs a list of strings in parentheses"),
                arguments("a IN ('x' 'y')", 11, "expected ',' or ')' in the IN list"),
                arguments("a IN ('x',)", 11, "string literals only, found ')'"),
                arguments("5 IN ('a')", 1, "IN compares strings only, but this is a number"),
                // LIKE
                arguments("myProp LIKE 7", 13, "LIKE needs a pattern in single quotes, found '7'"),
                arguments("a LIKE b", 8, "LIKE needs a pattern in single quotes"),
                arguments("5 LIKE 'x'", 1, "LIKE matches strings only, but this is a number"),
                arguments("a LIKE 'x' ESCAPE 'ab'", 19, "exactly one character, found the string 'ab'"),
                arguments("a LIKE 'x' ESCAPE ''", 19, "exactly one character"),
                arguments("a LIKE 'x' ESCAPE 1", 19, "ESCAPE needs one character in single quotes"),
                arguments("a LIKE 'x!' ESCAPE '!'", 8, "the escape character '!' must be followed by '_', '%' or itself"),
                arguments("a LIKE '!a' ESCAPE '!'", 8, "must be followed by '_', '%' or itself"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidSelectors")
    void invalidSelectorIsRejectedWithPositionAndReason(String selector, int position, String problem) {
        InvalidSelectorException e = assertThrows(InvalidSelectorException.class, () -> Selector.parse(selector));
        String message = e.getMessage();
        assertTrue(message.contains(" at position " + position + ": "), message);
        assertTrue(message.contains(problem), message);
    }
}
