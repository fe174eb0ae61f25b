package org.ferrymq.selector;

/**
 * {@code a AND b AND ...}: FALSE if any operand is FALSE, otherwise UNKNOWN if any is
 * UNKNOWN (NULL or not a boolean), otherwise TRUE. A chain is one node rather than a
 * nested pair per operator, so a long selector cannot make evaluation recurse deeply.
 */
final class And extends Expression {

    private final Expression[] operands;

    And(Expression[] operands) {
        this.operands = operands;
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
            if (Boolean.FALSE.equals(value)) {
                return Boolean.FALSE;
            }
            if (!Boolean.TRUE.equals(value)) {
                unknown = true;
            }
        }
        return unknown ? null : Boolean.TRUE;
    }
}
