package org.ferrymq.selector;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.jms.InvalidSelectorException;
import java.util.HashMap;
import java.util.Map;

/** Shorthands for matching a selector against a handful of property values. */
final class SelectorTesting {

    private SelectorTesting() {
    }

    /** Alternating names and values; a name that is not given is an absent property. */
    static Map<String, Object> values(Object... namesAndValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return values;
    }

    static boolean matches(String selector, Object... namesAndValues) throws InvalidSelectorException {
        Selector parsed = Selector.parse(selector);
        assertNotNull(parsed, selector);
        return parsed.matches(values(namesAndValues)::get);
    }

    /**
     * The selector's three-valued result, "TRUE", "FALSE" or "UNKNOWN", told apart through
     * the public API: a FALSE selector's negation matches, an UNKNOWN one's does not.
     */
    static String truthOf(String selector, Object... namesAndValues) throws InvalidSelectorException {
        if (matches(selector, namesAndValues)) {
            return "TRUE";
        }
        return matches("NOT (" + selector + ")", namesAndValues) ? "FALSE" : "UNKNOWN";
    }
}
