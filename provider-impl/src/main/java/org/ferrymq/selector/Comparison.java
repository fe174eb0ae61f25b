package org.ferrymq.selector;

import org.ferrymq.protocol.codec.ValueType;

/**
 * {@code a = b}, {@code a <> b}, {@code a < b}, {@code a <= b}, {@code a > b},
 * {@code a >= b}. Numbers compare by value across integer and floating-point types, as
 * Java's numeric promotion does; strings and booleans support only {@code =} and
 * {@code <>}. Following the specification, comparing values of different types (a string
 * with a number, say) is FALSE, not an error, and NULL on either side gives UNKNOWN.
 */
final class Comparison extends Expression {

    enum Operator {
        EQUAL("="), NOT_EQUAL("<>"), LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">=");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        boolean comparesOnlyNumbers() {
            return this != EQUAL && this != NOT_EQUAL;
        }

        /** TRUE or FALSE, or null (UNKNOWN) when either value is NULL. */
        Boolean apply(Object left, Object right) {
            if (left == null || right == null) {
                return null;
            }
            if (ValueType.isExactNumber(left) && ValueType.isExactNumber(right)) {
                return holds(((Number) left).longValue(), ((Number) right).longValue());
            }
            if (ValueType.isNumber(left) && ValueType.isNumber(right)) {
                return holds(((Number) left).doubleValue(), ((Number) right).doubleValue());
            }
            boolean sameType = left instanceof String && right instanceof String
                    || left instanceof Boolean && right instanceof Boolean;
            if (!sameType || comparesOnlyNumbers()) {
                return Boolean.FALSE;
            }
            return (this == EQUAL) == left.equals(right);
        }

        private boolean holds(long left, long right) {
            return switch (this) {
                case EQUAL -> left == right;
                case NOT_EQUAL -> left != right;
                case LESS -> left < right;
                case LESS_OR_EQUAL -> left <= right;
                case GREATER -> left > right;
                case GREATER_OR_EQUAL -> left >= right;
            };
        }

        // Separate from the long version: doubles cannot hold every long exactly, and NaN
        // must behave as in Java (equal to nothing, not even itself).
        private boolean holds(double left, double right) {
            return switch (this) {
                case EQUAL -> left == right;
                case NOT_EQUAL -> left != right;
                case LESS -> left < right;
                case LESS_OR_EQUAL -> left <= right;
                case GREATER -> left > right;
                case GREATER_OR_EQUAL -> left >= right;
            };
        }
    }

    private final Operator operator;
    private final Expression left;
    private final Expression right;

    Comparison(Operator operator, Expression left, Expression right) {
        this.operator = operator;
        this.left = left;
        this.right = right;
    }

    @Override
    Type type() {
        return Type.BOOLEAN;
    }

    @Override
    Object evaluate(Object source) {
        Object leftValue = left.evaluate(source);
        if (leftValue == null) {
            return null;
        }
        return operator.apply(leftValue, right.evaluate(source));
    }
}
