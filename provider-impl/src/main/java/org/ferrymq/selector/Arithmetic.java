package org.ferrymq.selector;

import org.ferrymq.protocol.codec.ValueType;

/**
 * A chain of operators of one precedence level: {@code a + b - c} or {@code a * b / c}.
 *
 * <p>Java's numeric promotion decides the arithmetic: while every operand is an integer
 * type the chain computes in {@code long}; from the first {@code Float} or {@code Double}
 * on it computes in {@code double}. A NULL or non-numeric operand makes the result NULL, and
 * so does integer division by zero (floating-point division by zero gives an infinity or
 * NaN, as in Java). The running value is kept in primitives, so only the result is boxed.
 */
final class Arithmetic extends Expression {

    private final Expression[] operands;
    /** {@code operators[i]} is one of {@code + - * /} and combines the value so far with {@code operands[i + 1]}. */
    private final char[] operators;

    Arithmetic(Expression[] operands, char[] operators) {
        this.operands = operands;
        this.operators = operators;
    }

    @Override
    Type type() {
        return Type.NUMBER;
    }

    @Override
    Object evaluate(Object source) {
        Object first = operands[0].evaluate(source);
        if (!ValueType.isNumber(first)) {
            return null;
        }
        boolean exact = ValueType.isExactNumber(first);
        long exactValue = exact ? ((Number) first).longValue() : 0;
        double approximateValue = exact ? 0 : ((Number) first).doubleValue();

        for (int i = 0; i < operators.length; i++) {
            Object next = operands[i + 1].evaluate(source);
            if (!ValueType.isNumber(next)) {
                return null;
            }
            if (exact && ValueType.isExactNumber(next)) {
                long right = ((Number) next).longValue();
                if (operators[i] == '/' && right == 0) {
                    return null;
                }
                exactValue = apply(operators[i], exactValue, right);
            } else {
                if (exact) {
                    approximateValue = exactValue;
                    exact = false;
                }
                approximateValue = apply(operators[i], approximateValue, ((Number) next).doubleValue());
            }
        }
        return exact ? Long.valueOf(exactValue) : Double.valueOf(approximateValue);
    }

    private static long apply(char operator, long left, long right) {
        return switch (operator) {
            case '+' -> left + right;
            case '-' -> left - right;
            case '*' -> left * right;
            default -> left / right;
        };
    }

    private static double apply(char operator, double left, double right) {
        return switch (operator) {
            case '+' -> left + right;
            case '-' -> left - right;
            case '*' -> left * right;
            default -> left / right;
        };
    }
}
