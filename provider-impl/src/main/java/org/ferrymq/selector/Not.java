package org.ferrymq.selector;

/** NOT: TRUE and FALSE swap, UNKNOWN stays UNKNOWN. */
final class Not extends Expression {

    private final Expression operand;

    Not(Expression operand) {
        this.operand = operand;
    }

    @Override
    Type type() {
        return Type.BOOLEAN;
    }

    @Override
    Object evaluate(Object source) {
        Object value = operand.evaluate(source);
        if (value instanceof Boolean b) {
            return Boolean.valueOf(!b);
        }
        return null; // NULL, or a property that is not a boolean
    }
}
