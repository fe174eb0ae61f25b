package org.ferrymq.selector;

import java.util.Arrays;

/**
 * A compiled LIKE pattern: {@code _} stands for any one character, {@code %} for any
 * sequence of characters (including none), and every other character for itself; the
 * escape character, if any, makes the {@code _}, {@code %} or escape character after it
 * literal. Characters are Unicode code points, so {@code _} also matches one character
 * outside the Basic Multilingual Plane.
 *
 * <p>Matching allocates nothing. The common shapes ({@code 'abc'}, {@code 'abc%'},
 * {@code '%abc'}, {@code '%abc%'}) go straight to {@link String}'s own search methods.
 */
final class LikePattern {

    private static final int ANY_CHARACTER = -1;
    private static final int ANY_SEQUENCE = -2;

    private enum Shape { EXACT, PREFIX, SUFFIX, CONTAINS, GENERAL }

    /** Code points, or the two wildcards; runs of {@code %} are collapsed into one. */
    private final int[] elements;
    private final Shape shape;
    /** For every shape but GENERAL: the text the wildcards surround. */
    private final String literal;

    /**
     * @param escape the escape character as a code point, or -1 for none
     * @throws IllegalArgumentException if the escape character is not followed by
     *         {@code _}, {@code %} or itself; the message says so for the user
     */
    LikePattern(String pattern, int escape) {
        int[] parsed = new int[pattern.length()];
        int count = 0;
        for (int i = 0; i < pattern.length(); ) {
            int c = pattern.codePointAt(i);
            i += Character.charCount(c);
            if (c == escape) {
                int next = i < pattern.length() ? pattern.codePointAt(i) : -1;
                if (next != '_' && next != '%' && next != escape) {
                    throw new IllegalArgumentException("the escape character '" + Character.toString(escape)
                            + "' must be followed by '_', '%' or itself in the pattern '" + pattern + "'");
                }
                i += Character.charCount(next);
                parsed[count++] = next;
            } else if (c == '_') {
                parsed[count++] = ANY_CHARACTER;
            } else if (c == '%') {
                if (count == 0 || parsed[count - 1] != ANY_SEQUENCE) {
                    parsed[count++] = ANY_SEQUENCE;
                }
            } else {
                parsed[count++] = c;
            }
        }
        elements = Arrays.copyOf(parsed, count);

        boolean leading = count > 0 && elements[0] == ANY_SEQUENCE;
        boolean trailing = count > 1 && elements[count - 1] == ANY_SEQUENCE;
        int from = leading ? 1 : 0;
        int to = trailing ? count - 1 : count;
        boolean wildcardInside = false;
        for (int i = from; i < to; i++) {
            wildcardInside |= elements[i] < 0;
        }
        if (wildcardInside) {
            shape = Shape.GENERAL;
            literal = null;
        } else {
            shape = leading && trailing ? Shape.CONTAINS : leading ? Shape.SUFFIX : trailing ? Shape.PREFIX : Shape.EXACT;
            literal = new String(elements, from, to - from);
        }
    }

    boolean matches(String text) {
        return switch (shape) {
            case EXACT -> text.equals(literal);
            case PREFIX -> text.startsWith(literal);
            case SUFFIX -> text.endsWith(literal);
            case CONTAINS -> text.contains(literal);
            case GENERAL -> matchesWithBacktracking(text);
        };
    }

    /**
     * Walks text and pattern together. On a mismatch it returns to the most recent
     * {@code %}, lets it swallow one more character and tries again; going back further is
     * never needed, so the cost stays at most text length times pattern length.
     */
    private boolean matchesWithBacktracking(String text) {
        int t = 0;
        int p = 0;
        int lastPercent = -1;       // index in elements of the most recent %
        int percentCoversUpTo = 0;  // text index where the part after that % is being tried
        while (t < text.length()) {
            if (p < elements.length && elements[p] == ANY_SEQUENCE) {
                lastPercent = p++;
                percentCoversUpTo = t;
                continue;
            }
            int c = text.codePointAt(t);
            if (p < elements.length && (elements[p] == ANY_CHARACTER || elements[p] == c)) {
                t += Character.charCount(c);
                p++;
            } else if (lastPercent >= 0) {
                percentCoversUpTo += Character.charCount(text.codePointAt(percentCoversUpTo));
                t = percentCoversUpTo;
                p = lastPercent + 1;
            } else {
                return false;
            }
        }
        while (p < elements.length && elements[p] == ANY_SEQUENCE) {
            p++;
        }
        return p == elements.length;
    }
}
