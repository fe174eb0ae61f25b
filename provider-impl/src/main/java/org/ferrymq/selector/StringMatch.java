package org.ferrymq.selector;

import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code a [NOT] IN ('x', 'y', ...)} and {@code a [NOT] LIKE 'pattern' [ESCAPE 'c']}:
 * UNKNOWN when {@code a} is NULL, and FALSE in both forms when {@code a} is not a string (a
 * value of another type is not comparable with strings). The list or pattern is prepared
 * once at parse time: a hash set, a compiled LIKE pattern.
 */
final class StringMatch extends Expression {

    private final Expression value;
    private final Predicate<String> test;
    private final boolean negated;

    private StringMatch(Expression value, Predicate<String> test, boolean negated) {
        this.value = value;
        this.test = test;
        this.negated = negated;
    }

    static StringMatch in(Expression value, Set<String> members, boolean negated) {
        return new StringMatch(value, members::contains, negated);
    }

    static StringMatch like(Expression value, LikePattern pattern, boolean negated) {
        return new StringMatch(value, pattern::matches, negated);
    }

    @Override
    Type type() {
        return Type.BOOLEAN;
    }

    @Override
    Object evaluate(Object source) {
        Object v = value.evaluate(source);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            return Boolean.FALSE;
        }
        return test.test(s) != negated;
    }
}
