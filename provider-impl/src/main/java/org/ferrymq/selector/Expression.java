package org.ferrymq.selector;

/**
 * A node of a parsed selector.
 *
 * <p>Every node evaluates to a selector value: {@code Long} or {@code Double} for numbers
 * (the narrower JMS property types {@code Byte}, {@code Short}, {@code Integer} and
 * {@code Float} also pass through unchanged), {@code String}, {@code Boolean}, or
 * {@code null} for NULL. Conditions follow SQL's three-valued logic and return
 * {@code Boolean.TRUE}, {@code Boolean.FALSE} or {@code null} for UNKNOWN.
 *
 * <p>Nodes are immutable, so one parsed selector is safely shared by every thread that
 * dispatches messages.
 */
abstract class Expression {

    /**
     * What a node is known to produce before any message is seen; the parser uses it to
     * reject selectors such as {@code price > 'cheap'} up front.
     */
    enum Type {
        BOOLEAN("a boolean"),
        NUMBER("a number"),
        STRING("a string"),
        /** An identifier: its type is only known once a message supplies the value. */
        ANY("an identifier");

        final String description;

        Type(String description) {
            this.description = description;
        }
    }

    abstract Type type();

    /**
     * Evaluates this node against {@code source}, which is either the
     * {@link org.ferrymq.protocol.MessageData} or the {@code Function<String, Object>}
     * being matched. Only {@link Identifier} looks inside it; passing it untyped lets
     * matching run without wrapping each message in an adapter object.
     */
    abstract Object evaluate(Object source);
}
