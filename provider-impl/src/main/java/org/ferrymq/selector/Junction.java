package org.ferrymq.selector;

/**
 * {@code a AND b AND ...} and {@code a OR b OR ...} in SQL's three-valued logic. An operand
 * equal to the junction's decisive value (FALSE for AND, TRUE for OR) settles the result;
 * otherwise any UNKNOWN operand (NULL or not a boolean) makes it UNKNOWN, and else it is
 * the other truth value. A chain is one node rather than a nested pair per operator, so a
 * long selector cannot make evaluation recurse deeply.
 */
final class Junction extends Expression {

    private final Boolean decisive;
    private final Boolean otherwise;
    private final Expression[] operands;

    private Junction(Boolean decisive, Expression[] operands) {
        this.decisive = decisive;
        this.otherwise = !decisive;
        this.operands = operands;
    }

    static Junction and(Expression[] operands) {
        return new Junction(Boolean.FALSE, operands);
    }

    static Junction or(Expression[] operands) {
        return new Junction(Boolean.TRUE, operands);
    }

    @Override
    Type type() {
        return Type.BOOLEAN;
    }

    @Override
    Object evaluate(Object source) {
        boolean unknown = false;
        for (Expression operand : operands) {
            Object value = operand.evaluate(source);
            if (decisive.equals(value)) {
                return decisive;
            }
            if (!otherwise.equals(value)) {
                unknown = true;
            }
        }
        return unknown ? null : otherwise;
    }
}
