package org.ferrymq.selector;

import jakarta.jms.InvalidSelectorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.ferrymq.selector.Token.Kind;

/**
 * Splits a selector into tokens. Literals follow the specification: strings in single
 * quotes with {@code ''} for a quote; exact numbers in Java's integer literal syntax
 * (decimal, {@code 0x} hexadecimal, {@code 0b} binary and leading-zero octal, optional
 * {@code L}); approximate numbers in Java's decimal floating-point syntax ({@code 7E3},
 * {@code 7.}, {@code .5}, optional {@code F} or {@code D}). Identifiers follow Java's
 * identifier rules; the keywords are matched in any letter case.
 */
final class Lexer {

    private static final Map<String, Kind> KEYWORDS = Map.ofEntries(
            Map.entry("TRUE", Kind.TRUE), Map.entry("FALSE", Kind.FALSE), Map.entry("NULL", Kind.NULL),
            Map.entry("NOT", Kind.NOT), Map.entry("AND", Kind.AND), Map.entry("OR", Kind.OR),
            Map.entry("BETWEEN", Kind.BETWEEN), Map.entry("LIKE", Kind.LIKE), Map.entry("IN", Kind.IN),
            Map.entry("IS", Kind.IS), Map.entry("ESCAPE", Kind.ESCAPE));

    private final String selector;
    private int pos; // index of the next unread character

    private Lexer(String selector) {
        this.selector = selector;
    }

    /** The selector's tokens, the last being {@link Kind#END}. */
    static List<Token> tokenize(String selector) throws InvalidSelectorException {
        Lexer lexer = new Lexer(selector);
        List<Token> tokens = new ArrayList<>();
        Token token;
        do {
            token = lexer.next();
            tokens.add(token);
        } while (token.kind() != Kind.END);
        return tokens;
    }

    private Token next() throws InvalidSelectorException {
        while (pos < selector.length() && Character.isWhitespace(selector.charAt(pos))) {
            pos++;
        }
        if (pos == selector.length()) {
            return new Token(Kind.END, "", pos + 1);
        }
        char c = selector.charAt(pos);
        if (c == '\'') {
            return string();
        }
        if (isDigit(c) || c == '.' && isDigit(charAt(pos + 1))) {
            return number();
        }
        if (Character.isJavaIdentifierStart(selector.codePointAt(pos))) {
            return identifierOrKeyword();
        }
        int start = pos++;
        return switch (c) {
            case '(' -> new Token(Kind.LEFT_PAREN, "(", start + 1);
            case ')' -> new Token(Kind.RIGHT_PAREN, ")", start + 1);
            case ',' -> new Token(Kind.COMMA, ",", start + 1);
            case '+' -> new Token(Kind.PLUS, "+", start + 1);
            case '-' -> new Token(Kind.MINUS, "-", start + 1);
            case '*' -> new Token(Kind.TIMES, "*", start + 1);
            case '/' -> new Token(Kind.DIVIDE, "/", start + 1);
            case '=' -> new Token(Kind.EQUAL, "=", start + 1);
            case '<' -> accept('>') ? new Token(Kind.NOT_EQUAL, "<>", start + 1)
                    : accept('=') ? new Token(Kind.LESS_OR_EQUAL, "<=", start + 1)
                    : new Token(Kind.LESS, "<", start + 1);
            case '>' -> accept('=') ? new Token(Kind.GREATER_OR_EQUAL, ">=", start + 1)
                    : new Token(Kind.GREATER, ">", start + 1);
            case '!' -> throw error(start, "unexpected character '!'; write 'not equal' as <> and negation as NOT");
            case '"' -> throw error(start, "unexpected character '\"'; string literals use single quotes");
            default -> throw error(start, "unexpected character '" + Character.toString(selector.codePointAt(start)) + "'");
        };
    }

    private Token string() throws InvalidSelectorException {
        int start = pos++;
        StringBuilder value = new StringBuilder();
        while (true) {
            if (pos == selector.length()) {
                throw error(start, "the string starting here has no closing quote");
            }
            char c = selector.charAt(pos++);
            if (c == '\'') {
                if (!accept('\'')) {
                    return new Token(Kind.STRING, value.toString(), start + 1);
                }
            }
            value.append(c);
        }
    }

    private Token number() throws InvalidSelectorException {
        int start = pos;
        boolean approximate = false;
        if (c(0) == '0' && (c(1) == 'x' || c(1) == 'X' || c(1) == 'b' || c(1) == 'B')) {
            int radix = c(1) == 'x' || c(1) == 'X' ? 16 : 2;
            pos += 2;
            int digitsStart = pos;
            while (pos < selector.length() && c(0) < 128 && Character.digit(c(0), radix) >= 0) {
                pos++;
            }
            if (pos == digitsStart) {
                throw error(start, "the number '" + selector.substring(start, pos) + "' has no digits");
            }
            accept('L', 'l');
        } else {
            skipDigits();
            if (accept('.')) {
                approximate = true;
                skipDigits();
            }
            if (accept('e', 'E')) {
                approximate = true;
                accept('+', '-');
                if (!isDigit(c(0))) {
                    throw error(start, "the exponent of the number '" + selector.substring(start, pos) + "' has no digits");
                }
                skipDigits();
            }
            if (accept('f', 'F', 'd', 'D')) {
                approximate = true;
            } else if (!approximate) {
                accept('L', 'l');
            }
        }
        if (pos < selector.length() && Character.isJavaIdentifierPart(selector.codePointAt(pos))) {
            int end = pos;
            while (end < selector.length() && Character.isJavaIdentifierPart(selector.codePointAt(end))) {
                end += Character.charCount(selector.codePointAt(end));
            }
            throw error(start, "'" + selector.substring(start, end) + "' is not a valid number");
        }
        return new Token(approximate ? Kind.APPROXIMATE_NUMBER : Kind.EXACT_NUMBER,
                selector.substring(start, pos), start + 1);
    }

    private Token identifierOrKeyword() {
        int start = pos;
        while (pos < selector.length() && Character.isJavaIdentifierPart(selector.codePointAt(pos))) {
            pos += Character.charCount(selector.codePointAt(pos));
        }
        String word = selector.substring(start, pos);
        // Keywords are plain ASCII: upper-casing must not turn, say, a Turkish 'ın' into IN.
        Kind keyword = word.chars().allMatch(ch -> ch < 128) ? KEYWORDS.get(word.toUpperCase(Locale.ROOT)) : null;
        return new Token(keyword == null ? Kind.IDENTIFIER : keyword, word, start + 1);
    }

    private void skipDigits() {
        while (isDigit(c(0))) {
            pos++;
        }
    }

    /** Consumes the next character if it is one of {@code expected}. */
    private boolean accept(char... expected) {
        for (char e : expected) {
            if (c(0) == e) {
                pos++;
                return true;
            }
        }
        return false;
    }

    /** The character {@code offset} places after the next unread one, or 0 past the end. */
    private char c(int offset) {
        return charAt(pos + offset);
    }

    private char charAt(int index) {
        return index < selector.length() ? selector.charAt(index) : 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private InvalidSelectorException error(int index, String problem) {
        return Selector.invalid(selector, index + 1, problem);
    }
}
