package org.ferrymq.api;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A pattern of destination names, as permissions and destination policies write them: a name
 * cut into segments at each {@code .}; the segment {@code *} matches exactly one segment of a
 * name, the segment {@code #} any number of them, none included. {@code orders.*} matches
 * {@code orders.eu} but neither {@code orders} nor {@code orders.eu.paris}; {@code orders.#}
 * matches all three; {@code #} alone matches every name.
 */
public final class DestinationPattern {

    /**
     * Of two patterns that match the same name, the more specific one first: compared segment by
     * segment from the left, at the first segment where they differ a word beats {@code *}, which
     * beats {@code #}; a pattern that ends first (the other goes on with {@code #}) wins.
     */
    public static final Comparator<DestinationPattern> MOST_SPECIFIC_FIRST = DestinationPattern::compareSpecificity;

    private final String text;
    private final String[] segments;

    private DestinationPattern(String text, String[] segments) {
        this.text = text;
        this.segments = segments;
    }

    /**
     * Parses a pattern.
     *
     * @throws IllegalArgumentException when a segment is empty or has {@code *} or {@code #} inside
     *     a word, naming the pattern and what one looks like
     */
    public static DestinationPattern of(String pattern) {
        String[] segments = pattern.split("\\.", -1);
        for (String segment : segments) {
            if (segment.isEmpty() || (segment.length() > 1 && (segment.contains("*") || segment.contains("#")))) {
                throw new IllegalArgumentException("Destination pattern '" + pattern + "' has an empty segment or a '*' "
                        + "or '#' inside a segment; '*' and '#' stand alone between dots, e.g. orders.*.eu or orders.#");
            }
        }
        return new DestinationPattern(pattern, segments);
    }

    /** Whether the destination {@code name} matches. */
    public boolean matches(String name) {
        return match(0, name.split("\\.", -1), 0);
    }

    /** Whether this is {@code #}, the pattern of every name. */
    public boolean matchesEverything() {
        return segments.length == 1 && segments[0].equals("#");
    }

    private boolean match(int p, String[] name, int n) {
        if (p == segments.length) {
            return n == name.length;
        }
        if (segments[p].equals("#")) {
            for (int rest = n; rest <= name.length; rest++) { // '#' takes none, one, ... of the name's segments
                if (match(p + 1, name, rest)) {
                    return true;
                }
            }
            return false;
        }
        if (n == name.length) {
            return false;
        }
        return (segments[p].equals("*") || segments[p].equals(name[n])) && match(p + 1, name, n + 1);
    }

    private static int compareSpecificity(DestinationPattern a, DestinationPattern b) {
        int shared = Math.min(a.segments.length, b.segments.length);
        for (int i = 0; i < shared; i++) {
            int byKind = Integer.compare(rank(a.segments[i]), rank(b.segments[i]));
            if (byKind != 0) {
                return byKind;
            }
        }
        return Integer.compare(a.segments.length, b.segments.length);
    }

    /** 0 for a word, 1 for {@code *}, 2 for {@code #}: lower is more specific. */
    private static int rank(String segment) {
        return segment.equals("#") ? 2 : segment.equals("*") ? 1 : 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DestinationPattern p && Arrays.equals(segments, p.segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }

    @Override
    public String toString() {
        return text;
    }
}
