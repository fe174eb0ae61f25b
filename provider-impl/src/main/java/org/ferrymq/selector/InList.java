package org.ferrymq.selector;

import java.util.Set;

/**
 * {@code a [NOT] IN ('x', 'y', ...)}: UNKNOWN when {@code a} is NULL, and FALSE in both
 * forms when {@code a} is not a string (a value of another type is not comparable with
 * the list). The list is a hash set built once at parse time.
 */
final class InList extends Expression {

    private final Expression value;
    private final Set<String> members;
    private final boolean negated;

    InList(Expression value, Set<String> members, boolean negated) {
        this.value = value;
        this.members = members;
        this.negated = negated;
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
        return members.contains(s) != negated;
    }
}
