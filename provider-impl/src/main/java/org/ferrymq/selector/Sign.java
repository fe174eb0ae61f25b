package org.ferrymq.selector;

import org.ferrymq.protocol.codec.ValueType;

/** Unary {@code -} or {@code +} applied to a value only known per message; NULL unless the value is a number. */
final class Sign extends Expression {

    private final Expression operand;
    private final boolean negative;

    Sign(Expression operand, boolean negative) {
        this.operand = operand;
        this.negative = negative;
    }

    @Override
    Type type() {
        return Type.NUMBER;
    }

    @Override
    Object evaluate(Object source) {
        Object value = operand.evaluate(source);
        if (!ValueType.isNumber(value)) {
            return null;
        }
        if (!negative) {
            return value;
        }
        if (ValueType.isExactNumber(value)) {
            return Long.valueOf(-((Number) value).longValue());
        }
        return Double.valueOf(-((Number) value).doubleValue());
    }
}
