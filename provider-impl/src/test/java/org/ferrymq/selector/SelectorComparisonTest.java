package org.ferrymq.selector;

import static org.ferrymq.selector.SelectorTesting.matches;
import static org.ferrymq.selector.SelectorTesting.truthOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** =, <>, <, <=, >, >=, BETWEEN, IN and IS NULL. */
class SelectorComparisonTest {

    @ParameterizedTest(name = "{1} {0} 5 is {2}")
    @CsvSource({
        "=, 5, TRUE", "=, 4, FALSE",
        "<>, 4, TRUE", "<>, 5, FALSE",
        "<, 4, TRUE", "<, 5, FALSE",
        "<=, 5, TRUE", "<=, 6, FALSE",
        ">, 6, TRUE", ">, 5, FALSE",
        ">=, 5, TRUE", ">=, 4, FALSE"})
    void numericComparisonOperatorsCompareByValue(String operator, int value, String expected) throws Exception {
        assertEquals(expected, truthOf("n " + operator + " 5", "n", value));
    }

    @ParameterizedTest(name = "n {0} 5 with n absent is UNKNOWN")
    @ValueSource(strings = {"=", "<>", "<", "<=", ">", ">="})
    void comparisonWithNullIsUnknown(String operator) throws Exception {
        assertEquals("UNKNOWN", truthOf("n " + operator + " 5"));
        assertEquals("UNKNOWN", truthOf("5 " + operator + " n"));
    }

    @Test
    void stringsAreEqualOnlyWithTheSameCharacters() throws Exception {
        assertTrue(matches("color = 'blue'", "color", "blue"));
        assertFalse(matches("color = 'blue'", "color", "Blue"));
        assertTrue(matches("color <> 'blue'", "color", "red"));
        assertTrue(matches("s = 'literal''s'", "s", "literal's"));
        assertTrue(matches("s = ''", "s", ""));
    }

    @Test
    void booleansCompareWithEqualsAndNotEquals() throws Exception {
        assertTrue(matches("a = TRUE AND b <> TRUE AND b = false", "a", true, "b", false));
        assertTrue(matches("a = b", "a", true, "b", true));
    }

    @Test
    void specificationExampleSelectsOnHeaderAndProperties() throws Exception {
        String selector = "JMSType = 'car' AND color = 'blue' AND weight > 2500";
        assertTrue(matches(selector, "JMSType", "car", "color", "blue", "weight", 3000L));
        assertFalse(matches(selector, "JMSType", "car", "color", "red", "weight", 3000L));
    }

    @Test
    void integerAndFloatingPointValuesCompareThroughNumericPromotion() throws Exception {
        assertTrue(matches("n = 2.0", "n", 2));
        assertTrue(matches("n = 2", "n", 2.0));
        assertTrue(matches("n < 2.5", "n", (byte) 2));
        assertTrue(matches("n > 1", "n", 1.5f));
        assertTrue(matches("a < b", "a", 0, "b", 1.5));
        assertTrue(matches("a = b", "a", (short) 7, "b", 7L));
        assertTrue(matches("a = b", "a", 7.0f, "b", 7.0));
    }

    @Test
    void largeLongsCompareExactlyWithoutGoingThroughDouble() throws Exception {
        // 2^53 + 1 is not a double; compared as doubles the two would be equal
        assertFalse(matches("n = 9007199254740992", "n", 9_007_199_254_740_993L));
        assertTrue(matches("n > 9007199254740992", "n", 9_007_199_254_740_993L));
    }

    @Test
    void floatPropertyEqualsFloatLiteralButNotTheNearbyDouble() throws Exception {
        // Java promotion: 1.1f widened to double is 1.100000023841858, not 1.1
        assertTrue(matches("price = 1.1F", "price", 1.1f));
        assertFalse(matches("price = 1.1", "price", 1.1f));
        assertTrue(matches("price = 1.1", "price", 1.1));
    }

    @Test
    void notANumberEqualsNothingAsInJava() throws Exception {
        assertEquals("FALSE", truthOf("x = x", "x", Double.NaN));
        assertEquals("TRUE", truthOf("x <> x", "x", Double.NaN));
        assertEquals("FALSE", truthOf("x < 1 OR x >= 1", "x", Double.NaN));
    }

    @Test
    void comparingDifferentTypesIsFalseNotAnError() throws Exception {
        assertEquals("FALSE", truthOf("s = 5", "s", "5"));
        assertEquals("FALSE", truthOf("s <> 5", "s", "5"));
        assertEquals("FALSE", truthOf("n = 'five'", "n", 5));
        assertEquals("FALSE", truthOf("b = 1", "b", true));
        assertEquals("FALSE", truthOf("a = b", "a", "true", "b", true));
    }

    @Test
    void stringPropertyIsNotConvertedToANumber() throws Exception {
        // the specification's own example (3.8.1.1)
        assertFalse(matches("NumberOfOrders > 1", "NumberOfOrders", "2"));
        assertTrue(matches("NumberOfOrders > 1", "NumberOfOrders", 2));
    }

    @Test
    void stringsAndBooleansHaveNoOrderEvenBetweenTwoProperties() throws Exception {
        assertEquals("FALSE", truthOf("a < b", "a", "apple", "b", "banana"));
        assertEquals("FALSE", truthOf("a >= b", "a", true, "b", false));
    }

    @Test
    void valueOfAnUnexpectedTypeIsDifferentFromEverything() throws Exception {
        assertEquals("FALSE", truthOf("c = 'x'", "c", 'x'));
        assertEquals("FALSE", truthOf("d = 1", "d", java.math.BigDecimal.ONE));
    }

    @Test
    void betweenIncludesBothBounds() throws Exception {
        assertTrue(matches("age BETWEEN 15 AND 19", "age", 15));
        assertTrue(matches("age BETWEEN 15 AND 19", "age", 17));
        assertTrue(matches("age BETWEEN 15 AND 19", "age", 19));
        assertFalse(matches("age BETWEEN 15 AND 19", "age", 20));
        assertFalse(matches("age BETWEEN 15 AND 19", "age", 14.99));
    }

    @Test
    void notBetweenSelectsValuesOutsideTheBounds() throws Exception {
        assertTrue(matches("age NOT BETWEEN 15 AND 19", "age", 20));
        assertTrue(matches("age NOT BETWEEN 15 AND 19", "age", 14));
        assertFalse(matches("age NOT BETWEEN 15 AND 19", "age", 15));
        assertTrue(matches("a NOT BETWEEN -4 AND 5 AND b NOT BETWEEN -5 AND 4", "a", -5, "b", 5));
    }

    @Test
    void betweenMixesIntegerAndFloatingPointBoundsAndExpressions() throws Exception {
        assertTrue(matches("x BETWEEN 0.5 AND 1.5", "x", 1));
        assertTrue(matches("x BETWEEN y - 1 AND y + 1", "x", 4L, "y", 5));
        assertTrue(matches("x BETWEEN 1 AND 2 AND TRUE", "x", 1.5f));
    }

    @Test
    void betweenWithNullIsUnknown() throws Exception {
        assertEquals("UNKNOWN", truthOf("age BETWEEN 15 AND 19"));
        assertEquals("UNKNOWN", truthOf("age NOT BETWEEN 15 AND 19"));
        assertEquals("UNKNOWN", truthOf("age BETWEEN low AND 19", "age", 17));
        assertEquals("FALSE", truthOf("age BETWEEN low AND 19", "age", 20));
    }

    @Test
    void betweenOnANonNumberIsFalseWithOrWithoutNot() throws Exception {
        assertEquals("FALSE", truthOf("age BETWEEN 5 AND 10", "age", "7"));
        assertFalse(matches("age NOT BETWEEN 5 AND 10", "age", "seven"));
    }

    @Test
    void inSelectsListedStringsOnly() throws Exception {
        String selector = "Country IN ('UK', 'US', 'France')";
        assertTrue(matches(selector, "Country", "UK"));
        assertTrue(matches(selector, "Country", "France"));
        assertFalse(matches(selector, "Country", "Peru"));
        assertFalse(matches(selector, "Country", "uk"));
    }

    @Test
    void notInSelectsUnlistedStrings() throws Exception {
        String selector = "Country NOT IN ('UK', 'US', 'France')";
        assertTrue(matches(selector, "Country", "Peru"));
        assertFalse(matches(selector, "Country", "US"));
    }

    @Test
    void inListMayHoldOneEmptyQuotedOrRepeatedString() throws Exception {
        assertTrue(matches("s IN ('only')", "s", "only"));
        assertTrue(matches("s IN ('')", "s", ""));
        assertTrue(matches("s IN ('it''s', 'x', 'x')", "s", "it's"));
    }

    @Test
    void inWithNullIsUnknownWithOrWithoutNot() throws Exception {
        assertEquals("UNKNOWN", truthOf("s IN ('a', 'b')"));
        assertEquals("UNKNOWN", truthOf("s NOT IN ('a', 'b')"));
    }

    @Test
    void inOnANonStringIsFalseWithOrWithoutNot() throws Exception {
        assertEquals("FALSE", truthOf("s IN ('0', 'a')", "s", 0));
        assertFalse(matches("s NOT IN ('a', 'b')", "s", 0));
    }

    @Test
    void isNullSelectsAbsentValuesAndIsNeverUnknown() throws Exception {
        assertEquals("TRUE", truthOf("p IS NULL"));
        assertEquals("FALSE", truthOf("p IS NULL", "p", "x"));
        assertEquals("FALSE", truthOf("p IS NOT NULL"));
        assertEquals("TRUE", truthOf("p IS NOT NULL", "p", 0));
    }

    @Test
    void isNullAppliesToArithmeticResults() throws Exception {
        assertTrue(matches("(p + 1) IS NULL"));
        assertTrue(matches("p / 0 IS NULL", "p", 1));
        assertTrue(matches("p + 1 IS NOT NULL", "p", 1));
    }
}
