package org.ferrymq.selector;

/**
 * {@code a [NOT] LIKE 'pattern' [ESCAPE 'c']}: UNKNOWN when {@code a} is NULL, and FALSE in
 * both forms when {@code a} is not a string. The pattern is compiled once at parse time.
 */
final class Like extends Expression {

    private final Expression value;
    private final LikePattern pattern;
    private final boolean negated;

    Like(Expression value, LikePattern pattern, boolean negated) {
        this.value = value;
        this.pattern = pattern;
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
        return pattern.matches(s) != negated;
    }
}
