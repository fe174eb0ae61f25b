package org.ferrymq.selector;

/** {@code a IS [NOT] NULL}: never UNKNOWN. */
final class IsNull extends Expression {

    private final Expression value;
    private final boolean negated;

    IsNull(Expression value, boolean negated) {
        this.value = value;
        this.negated = negated;
    }

    @Override
    Type type() {
        return Type.BOOLEAN;
    }

    @Override
    Object evaluate(Object source) {
        return (value.evaluate(source) == null) != negated;
    }
}
