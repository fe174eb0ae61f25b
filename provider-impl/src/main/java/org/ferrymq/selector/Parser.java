package org.ferrymq.selector;

import jakarta.jms.InvalidSelectorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.selector.Comparison.Operator;
import org.ferrymq.selector.Expression.Type;
import org.ferrymq.selector.Token.Kind;

/**
 * Recursive-descent parser for the selector grammar of Jakarta Messaging 3.1, section
 * 3.8.1, one method per rule, lowest precedence first:
 *
 * <pre>
 * selector   = or END
 * or         = and { OR and }
 * and        = not { AND not }
 * not        = NOT not | comparison
 * comparison = sum [ ( "=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ) sum
 *                  | [NOT] BETWEEN sum AND sum
 *                  | [NOT] IN "(" string { "," string } ")"
 *                  | [NOT] LIKE string [ ESCAPE string ]
 *                  | IS [NOT] NULL ]
 * sum        = product { ( "+" | "-" ) product }
 * product    = signed { ( "*" | "/" ) signed }
 * signed     = ( "+" | "-" ) signed | primary
 * primary    = identifier | string | number | TRUE | FALSE | "(" or ")"
 * </pre>
 *
 * <p>Besides the syntax it checks every type it can see before a message arrives (a string
 * compared with {@code >}, a boolean in arithmetic, a number where a condition belongs),
 * so such a selector fails when the consumer is created instead of never matching.
 * Identifiers may hold any type, so they pass every check.
 */
final class Parser {

    /** One grammar rule, so that the operator chains can share their loop. */
    private interface Rule {
        Expression parse() throws InvalidSelectorException;
    }

    private final String selector;
    private final List<Token> tokens;
    private int next; // index in tokens of the next unconsumed token
    /** Deepest nesting of parentheses, NOTs and signs: keeps a hostile selector from exhausting the stack. */
    private final int maxDepth;
    private int nesting;

    private Parser(String selector, int maxDepth) throws InvalidSelectorException {
        this.selector = selector;
        this.maxDepth = maxDepth;
        this.tokens = Lexer.tokenize(selector);
    }

    /** Parses a whole selector, which must be a condition and nest at most {@code maxDepth} levels. */
    static Expression parse(String selector, int maxDepth) throws InvalidSelectorException {
        Parser parser = new Parser(selector, maxDepth);
        Token start = parser.peek();
        Expression condition;
        try {
            condition = parser.or();
        } catch (StackOverflowError e) {
            // A thread with a small stack may not hold maxDepth levels: the parser holds no lock
            // and has changed nothing but its own state, so the selector is refused like any other.
            throw parser.error(parser.peek(), "parentheses, NOTs and signs nest " + parser.nesting
                    + " deep here, more than this thread's stack holds; flatten the selector (broker setting '"
                    + BrokerConfig.MAX_SELECTOR_DEPTH + "' limits the nesting to " + maxDepth + ")");
        }
        Token end = parser.peek();
        if (end.kind() == Kind.RIGHT_PAREN) {
            throw parser.error(end, "this ')' has no matching '('");
        }
        if (end.kind() != Kind.END) {
            throw parser.error(end, "expected AND, OR or the end of the selector, found " + end.describe());
        }
        parser.requireCondition(condition, start);
        return condition;
    }

    private Expression or() throws InvalidSelectorException {
        return logicalChain(Kind.OR, this::and, Junction::or);
    }

    private Expression and() throws InvalidSelectorException {
        return logicalChain(Kind.AND, this::not, Junction::and);
    }

    private Expression logicalChain(Kind keyword, Rule operand, Function<Expression[], Expression> combine)
            throws InvalidSelectorException {
        Token start = peek();
        Expression first = operand.parse();
        if (peek().kind() != keyword) {
            return first;
        }
        requireCondition(first, start);
        List<Expression> operands = new ArrayList<>();
        operands.add(first);
        while (accept(keyword)) {
            Token operandStart = peek();
            Expression e = operand.parse();
            requireCondition(e, operandStart);
            operands.add(e);
        }
        return combine.apply(operands.toArray(new Expression[0]));
    }

    private Expression not() throws InvalidSelectorException {
        Token not = peek();
        if (!accept(Kind.NOT)) {
            return comparison();
        }
        Token operandStart = peek();
        enter(not);
        Expression operand = not();
        leave();
        requireCondition(operand, operandStart);
        return new Not(operand);
    }

    private Expression comparison() throws InvalidSelectorException {
        Token leftStart = peek();
        Expression left = sum();
        Token operator = peek();
        switch (operator.kind()) {
            case EQUAL, NOT_EQUAL, LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL:
                advance();
                Token rightStart = peek();
                Expression right = sum();
                return comparison(operatorFor(operator.kind()), operator, left, leftStart, right, rightStart);
            case NOT:
                advance();
                Token afterNot = peek();
                if (afterNot.kind() != Kind.BETWEEN && afterNot.kind() != Kind.LIKE && afterNot.kind() != Kind.IN) {
                    throw error(afterNot, "expected BETWEEN, LIKE or IN after NOT, found " + afterNot.describe());
                }
                return negatable(left, leftStart, true);
            case BETWEEN, LIKE, IN:
                return negatable(left, leftStart, false);
            case IS:
                advance();
                boolean negated = accept(Kind.NOT);
                Token isNull = peek();
                if (!accept(Kind.NULL)) {
                    throw error(isNull, "expected NULL after " + (negated ? "IS NOT" : "IS") + ", found " + isNull.describe());
                }
                return new IsNull(left, negated);
            default:
                return left;
        }
    }

    private Expression comparison(Operator operator, Token operatorToken, Expression left, Token leftStart,
            Expression right, Token rightStart) throws InvalidSelectorException {
        if (operator.comparesOnlyNumbers()) {
            String rule = "'" + operator.symbol + "' compares numbers only";
            requireNumber(left, leftStart, rule);
            requireNumber(right, rightStart, rule);
        } else if (left.type() != Type.ANY && right.type() != Type.ANY && left.type() != right.type()) {
            throw error(operatorToken, "'" + operator.symbol + "' cannot compare " + left.type().description
                    + " with " + right.type().description);
        }
        return new Comparison(operator, left, right);
    }

    /** BETWEEN, LIKE or IN, the next token, after an optional NOT that has been consumed. */
    private Expression negatable(Expression left, Token leftStart, boolean negated) throws InvalidSelectorException {
        Token keyword = advance();
        return switch (keyword.kind()) {
            case BETWEEN -> between(left, leftStart, negated);
            case LIKE -> like(left, leftStart, negated);
            default -> in(left, leftStart, negated);
        };
    }

    private Expression between(Expression value, Token valueStart, boolean negated) throws InvalidSelectorException {
        Token lowStart = peek();
        Expression low = sum();
        Token and = peek();
        if (!accept(Kind.AND)) {
            throw error(and, "expected AND between the bounds of BETWEEN, found " + and.describe());
        }
        Token highStart = peek();
        Expression high = sum();
        String rule = "BETWEEN compares numbers only";
        requireNumber(value, valueStart, rule);
        requireNumber(low, lowStart, rule);
        requireNumber(high, highStart, rule);
        return new Between(value, low, high, negated);
    }

    private Expression like(Expression value, Token valueStart, boolean negated) throws InvalidSelectorException {
        requireString(value, valueStart, "LIKE matches strings only");
        Token pattern = peek();
        if (!accept(Kind.STRING)) {
            throw error(pattern, "LIKE needs a pattern in single quotes, found " + pattern.describe());
        }
        int escape = -1;
        if (accept(Kind.ESCAPE)) {
            Token escapeToken = peek();
            if (!accept(Kind.STRING)) {
                throw error(escapeToken, "ESCAPE needs one character in single quotes, found " + escapeToken.describe());
            }
            String text = escapeToken.text();
            if (text.codePointCount(0, text.length()) != 1) {
                throw error(escapeToken, "the escape character must be exactly one character, found "
                        + escapeToken.describe());
            }
            escape = text.codePointAt(0);
        }
        try {
            return StringMatch.like(value, new LikePattern(pattern.text(), escape), negated);
        } catch (IllegalArgumentException e) {
            throw error(pattern, e.getMessage());
        }
    }

    private Expression in(Expression value, Token valueStart, boolean negated) throws InvalidSelectorException {
        requireString(value, valueStart, "IN compares strings only");
        Token open = peek();
        if (!accept(Kind.LEFT_PAREN)) {
            throw error(open, "IN needs a list of strings in parentheses, such as IN ('a', 'b'), found "
                    + open.describe());
        }
        List<String> members = new ArrayList<>();
        do {
            Token member = peek();
            if (member.kind() == Kind.RIGHT_PAREN && members.isEmpty()) {
                throw error(member, "the IN list is empty");
            }
            if (!accept(Kind.STRING)) {
                throw error(member, "an IN list holds string literals only, found " + member.describe());
            }
            members.add(member.text());
        } while (accept(Kind.COMMA));
        Token close = peek();
        if (!accept(Kind.RIGHT_PAREN)) {
            throw error(close, "expected ',' or ')' in the IN list, found " + close.describe());
        }
        return StringMatch.in(value, Set.copyOf(members), negated);
    }

    private Expression sum() throws InvalidSelectorException {
        return arithmeticChain(Kind.PLUS, Kind.MINUS, this::product);
    }

    private Expression product() throws InvalidSelectorException {
        return arithmeticChain(Kind.TIMES, Kind.DIVIDE, this::signed);
    }

    private Expression arithmeticChain(Kind operator1, Kind operator2, Rule operand) throws InvalidSelectorException {
        Token start = peek();
        Expression first = operand.parse();
        if (peek().kind() != operator1 && peek().kind() != operator2) {
            return first;
        }
        String rule = "arithmetic needs numbers";
        requireNumber(first, start, rule);
        List<Expression> operands = new ArrayList<>();
        StringBuilder operators = new StringBuilder();
        operands.add(first);
        while (peek().kind() == operator1 || peek().kind() == operator2) {
            operators.append(advance().text());
            Token operandStart = peek();
            Expression e = operand.parse();
            requireNumber(e, operandStart, rule);
            operands.add(e);
        }
        return new Arithmetic(operands.toArray(new Expression[0]), operators.toString().toCharArray());
    }

    private Expression signed() throws InvalidSelectorException {
        Token sign = peek();
        if (!accept(Kind.PLUS) && !accept(Kind.MINUS)) {
            return primary();
        }
        boolean negative = sign.kind() == Kind.MINUS;
        Token operandStart = peek();
        if (accept(Kind.EXACT_NUMBER) || accept(Kind.APPROXIMATE_NUMBER)) {
            // Folded into the literal: -9223372036854775808 is a long, 9223372036854775808 is not.
            return number(operandStart, negative ? sign : null);
        }
        enter(sign);
        Expression operand = signed();
        leave();
        requireNumber(operand, operandStart, "a sign needs a number");
        return new Sign(operand, negative);
    }

    private Expression primary() throws InvalidSelectorException {
        Token token = advance();
        switch (token.kind()) {
            case IDENTIFIER:
                return new Identifier(token.text());
            case STRING:
                return Literal.of(token.text());
            case EXACT_NUMBER, APPROXIMATE_NUMBER:
                return number(token, null);
            case TRUE:
                return Literal.of(true);
            case FALSE:
                return Literal.of(false);
            case LEFT_PAREN:
                enter(token);
                Expression inside = or();
                leave();
                Token close = peek();
                if (!accept(Kind.RIGHT_PAREN)) {
                    throw error(close, "expected ')' to close the '(' at position " + token.position()
                            + ", found " + close.describe());
                }
                return inside;
            case NULL:
                throw error(token, "NULL can only be tested with IS NULL or IS NOT NULL");
            case END:
                throw error(token, "the selector ends where a value was expected");
            case NOT, AND, OR, BETWEEN, LIKE, IN, IS, ESCAPE:
                throw error(token, "expected a value, found " + token.describe()
                        + ", a reserved word that cannot name a property");
            default:
                throw error(token, "expected a value, found " + token.describe());
        }
    }

    /** A number literal, negated if {@code minus} (the sign token before it) is not null. */
    private Literal number(Token token, Token minus) throws InvalidSelectorException {
        boolean negative = minus != null;
        Token start = negative ? minus : token;
        String text = token.text();
        if (token.kind() == Kind.APPROXIMATE_NUMBER) {
            // An F suffix means a float, so 1.1F equals a Float property set to 1.1f.
            boolean isFloat = text.endsWith("f") || text.endsWith("F");
            double value = isFloat ? Float.parseFloat(text) : Double.parseDouble(text);
            if (Double.isInfinite(value)) {
                throw error(start, "the number " + text + " is too large for a " + (isFloat ? "float" : "double"));
            }
            return Literal.of(negative ? -value : value);
        }
        String digits = text.endsWith("L") || text.endsWith("l") ? text.substring(0, text.length() - 1) : text;
        int radix = 10;
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            char second = Character.toLowerCase(digits.charAt(1));
            radix = second == 'x' ? 16 : second == 'b' ? 2 : 8;
            digits = digits.substring(radix == 8 ? 1 : 2);
        }
        if (radix == 8 && (digits.indexOf('8') >= 0 || digits.indexOf('9') >= 0)) {
            throw error(start, "the number " + text + " starts with 0, which makes it octal, but has a digit 8 or 9");
        }
        try {
            if (radix == 10) {
                return Literal.of(Long.parseLong(negative ? "-" + digits : digits));
            }
            // Like Java's long literals, 0x, 0b and octal numbers may use all 64 bits.
            long value = Long.parseUnsignedLong(digits, radix);
            return Literal.of(negative ? -value : value);
        } catch (NumberFormatException e) {
            throw error(start, "the number " + (negative ? "-" : "") + text + " is out of the range of a long"
                    + (radix == 10 ? "; write it with a decimal point to make it a double" : ""));
        }
    }

    private void requireCondition(Expression e, Token start) throws InvalidSelectorException {
        if (e.type() != Type.BOOLEAN && e.type() != Type.ANY) {
            throw error(start, "a condition is needed here, but this is " + e.type().description);
        }
    }

    private void requireNumber(Expression e, Token start, String rule) throws InvalidSelectorException {
        if (e.type() != Type.NUMBER && e.type() != Type.ANY) {
            throw error(start, rule + ", but this is " + e.type().description);
        }
    }

    private void requireString(Expression e, Token start, String rule) throws InvalidSelectorException {
        if (e.type() != Type.STRING && e.type() != Type.ANY) {
            throw error(start, rule + ", but this is " + e.type().description);
        }
    }

    private void enter(Token token) throws InvalidSelectorException {
        if (++nesting > maxDepth) {
            throw error(token, "parentheses, NOTs and signs nest more than " + maxDepth + " deep here (broker setting '"
                    + BrokerConfig.MAX_SELECTOR_DEPTH + "'); flatten the selector or raise the setting");
        }
    }

    private void leave() {
        nesting--;
    }

    private Token peek() {
        return tokens.get(next);
    }

    /** Consumes and returns the next token; END is never consumed, so it stays visible to every caller. */
    private Token advance() {
        Token token = tokens.get(next);
        if (token.kind() != Kind.END) {
            next++;
        }
        return token;
    }

    private boolean accept(Kind kind) {
        if (peek().kind() != kind) {
            return false;
        }
        advance();
        return true;
    }

    private static Operator operatorFor(Kind kind) {
        return switch (kind) {
            case EQUAL -> Operator.EQUAL;
            case NOT_EQUAL -> Operator.NOT_EQUAL;
            case LESS -> Operator.LESS;
            case LESS_OR_EQUAL -> Operator.LESS_OR_EQUAL;
            case GREATER -> Operator.GREATER;
            case GREATER_OR_EQUAL -> Operator.GREATER_OR_EQUAL;
            default -> throw new IllegalArgumentException(kind + " is not a comparison");
        };
    }

    private InvalidSelectorException error(Token token, String problem) {
        return Selector.invalid(selector, token.position(), problem);
    }
}
