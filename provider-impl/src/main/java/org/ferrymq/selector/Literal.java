package org.ferrymq.selector;

/** A string, number or boolean written in the selector. */
final class Literal extends Expression {

    private final Object value;
    private final Type type;

    private Literal(Object value, Type type) {
        this.value = value;
        this.type = type;
    }

    static Literal of(String value) {
        return new Literal(value, Type.STRING);
    }

    static Literal of(long value) {
        return new Literal(value, Type.NUMBER);
    }

    static Literal of(double value) {
        return new Literal(value, Type.NUMBER);
    }

    static Literal of(boolean value) {
        return new Literal(value, Type.BOOLEAN);
    }

    @Override
    Type type() {
        return type;
    }

    @Override
    Object evaluate(Object source) {
        return value;
    }
}
