package org.ferrymq.selector;

/**
 * {@code a OR b OR ...}: TRUE if any operand is TRUE, otherwise UNKNOWN if any is UNKNOWN
 * (NULL or not a boolean), otherwise FALSE. Flat for the same reason as {@link And}.
 */
final class Or extends Expression {

    private final Expression[] operands;

    Or(Expression[] operands) {
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
            if (Boolean.TRUE.equals(value)) {
                return Boolean.TRUE;
            }
            if (!Boolean.FALSE.equals(value)) {
                unknown = true;
            }
        }
        return unknown ? null : Boolean.FALSE;
    }
}
