package org.ferrymq.selector;

import org.ferrymq.selector.Comparison.Operator;

/**
 * {@code a BETWEEN low AND high} is {@code a >= low AND a <= high}, and
 * {@code a NOT BETWEEN low AND high} is {@code a < low OR a > high}, with {@code a}
 * evaluated once. Defining the negated form this way (rather than as NOT of the first)
 * keeps the rule that comparing a non-number is FALSE: {@code 'seven' NOT BETWEEN 1 AND 9}
 * does not match either.
 */
final class Between extends Expression {

    private final Expression value;
    private final Expression low;
    private final Expression high;
    private final boolean negated;

    Between(Expression value, Expression low, Expression high, boolean negated) {
        this.value = value;
        this.low = low;
        this.high = high;
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
        Object lowValue = low.evaluate(source);
        Object highValue = high.evaluate(source);
        if (negated) {
            return or(Operator.LESS.apply(v, lowValue), Operator.GREATER.apply(v, highValue));
        }
        return and(Operator.GREATER_OR_EQUAL.apply(v, lowValue), Operator.LESS_OR_EQUAL.apply(v, highValue));
    }

    private static Boolean and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return Boolean.FALSE;
        }
        return a == null || b == null ? null : Boolean.TRUE;
    }

    private static Boolean or(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return Boolean.TRUE;
        }
        return a == null || b == null ? null : Boolean.FALSE;
    }
}
