package org.ferrymq.selector;

/**
 * One lexical element of a selector.
 *
 * @param text the token as written (for a string literal: its value, quotes removed and
 *        {@code ''} turned into {@code '})
 * @param position where the token starts, counting the selector's first character as 1
 */
record Token(Kind kind, String text, int position) {

    enum Kind {
        IDENTIFIER, STRING, EXACT_NUMBER, APPROXIMATE_NUMBER,
        // keywords, recognised in any letter case
        TRUE, FALSE, NULL, NOT, AND, OR, BETWEEN, LIKE, IN, IS, ESCAPE,
        LEFT_PAREN, RIGHT_PAREN, COMMA,
        EQUAL, NOT_EQUAL, LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL,
        PLUS, MINUS, TIMES, DIVIDE,
        END
    }

    /** How an error message shows this token to the user. */
    String describe() {
        return switch (kind) {
            case END -> "the end of the selector";
            case STRING -> "the string '" + text.replace("'", "''") + "'";
            default -> "'" + text + "'";
        };
    }
}
