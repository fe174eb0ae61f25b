package org.ferrymq.selector;

import static org.ferrymq.selector.SelectorTesting.matches;
import static org.ferrymq.selector.SelectorTesting.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** [NOT] LIKE with _, % and ESCAPE. */
class SelectorLikeTest {

    @ParameterizedTest(name = "''{1}'' LIKE ''{0}'' is {2}")
    @CsvSource(quoteCharacter = '"', value = {
        // exact
        "abc, abc, true", "abc, abcd, false", "abc, ABC, false",
        // _ is exactly one character
        "l_se, lose, true", "l_se, loose, false", "l_se, lse, false", "_bcd, abcd, true", "123_, 1234, true",
        // % is any sequence, including none
        "12%3, 12993, true", "12%3, 123, true", "12%3, 1234, false",
        "abc%, abc, true", "abc%, abcdef, true", "abc%, xabc, false",
        "%cd, abcd, true", "%cd, cdx, false",
        "%b%, abc, true", "%b%, b, true", "%b%, ac, false",
        "%, anything, true", "%%, x, true",
        // % and _ together, needing backtracking
        "a%b%c, aXbYbZc, true", "a%b%c, abcb, false", "%a_c, abcabc, true", "%a_c, abcab, false",
        "%aab, aaab, true", "a%%b, ab, true", "_%_, ab, true", "_%_, a, false",
        "s%tor, selector, true", "AB%CD, ABxyzCD, true", "A%x%D, AbxcD, true", "A%x%D, AbcD, false",
        // regular-expression characters are ordinary characters
        "a.b, axb, false", "a.b, a.b, true", "(x)*, (x)*, true", "[ab], a, false", "^$\\, ^$\\, true"})
    void likeMatchesWildcardsAndLiteralCharacters(String pattern, String text, boolean expected) throws Exception {
        assertEquals(expected, matches("s LIKE '" + pattern.replace("'", "''") + "'", "s", text));
    }

    @Test
    void emptyPatternMatchesOnlyTheEmptyStringAndPercentMatchesItToo() throws Exception {
        assertTrue(matches("s LIKE ''", "s", ""));
        assertFalse(matches("s LIKE ''", "s", " "));
        assertTrue(matches("s LIKE '%'", "s", ""));
        assertFalse(matches("s LIKE '_'", "s", ""));
    }

    @Test
    void notLikeSelectsWhatLikeRejects() throws Exception {
        assertTrue(matches("s NOT LIKE 'jms_foo'", "s", "jms__foo"));
        assertFalse(matches("s NOT LIKE '12%'", "s", "123"));
    }

    @Test
    void likeWithEscapeMatchesLiteralUnderscore() throws Exception {
        String selector = "underscored LIKE '\\_%' ESCAPE '\\'";
        assertTrue(matches(selector, "underscored", "_foo"));
        assertFalse(matches(selector, "underscored", "bar"));
        assertFalse(matches(selector, "underscored", "x_foo"));
    }

    @Test
    void likeWithEscapeMatchesLiteralPercent() throws Exception {
        assertTrue(matches("s LIKE '100!%' ESCAPE '!'", "s", "100%"));
        assertFalse(matches("s LIKE '100!%' ESCAPE '!'", "s", "1000"));
        assertTrue(matches("s LIKE '\\__\\%%' ESCAPE '\\'", "s", "_a%bc"));
    }

    @Test
    void escapeCharacterCanBeALetterAndEscapeItself() throws Exception {
        assertTrue(matches("s LIKE 'A_fo_A%f%' ESCAPE 'A'", "s", "_foo%foo"));
        assertTrue(matches("s NOT LIKE 'A_A_' ESCAPE 'A'", "s", "_a"));
        assertTrue(matches("s LIKE 'x!!y' ESCAPE '!'", "s", "x!y"));
        assertTrue(matches("s like 'fooG_%' escape 'G'", "s", "foo_test"));
    }

    @Test
    void withoutEscapeTheBackslashIsAnOrdinaryCharacter() throws Exception {
        assertTrue(matches("s LIKE '\\_'", "s", "\\x"));
    }

    @Test
    void underscoreMatchesOneCharacterOutsideTheBasicPlane() throws Exception {
        String clef = "\uD834\uDD1E"; // U+1D11E, two chars in UTF-16
        assertTrue(matches("s LIKE 'a_b'", "s", "a" + clef + "b"));
        assertTrue(matches("s LIKE '%_b'", "s", clef + "b"));
        assertTrue(matches("s LIKE '" + clef + "%'", "s", clef + "x"));
    }

    @Test
    void likeWithNullIsUnknownWithOrWithoutNot() throws Exception {
        assertEquals("UNKNOWN", truthOf("s LIKE '1_3'"));
        assertEquals("UNKNOWN", truthOf("s NOT LIKE '1_3'"));
    }

    @Test
    void likeOnANonStringIsFalseWithOrWithoutNot() throws Exception {
        assertEquals("FALSE", truthOf("s LIKE '1_3'", "s", 123));
        assertFalse(matches("s NOT LIKE '1_3'", "s", 123));
    }

    @Test
    void longTextWithManyWildcardsStillMatchesQuickly() throws Exception {
        String text = "a".repeat(10_000);
        assertFalse(matches("s LIKE '%a%a%a%a%a%b'", "s", text));
        assertTrue(matches("s LIKE '%a%a%a%a%a%'", "s", text));
    }
}
