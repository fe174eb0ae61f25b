package org.ferrymq.selector;

import jakarta.jms.InvalidSelectorException;
import java.util.function.Function;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.protocol.MessageData;

/**
 * A parsed message selector (Jakarta Messaging 3.1, section 3.8.1), ready to be matched
 * against any number of messages from any number of threads.
 *
 * <p>Everything the parser can check is checked once, in {@link #parse}; matching then
 * never fails. It follows SQL's three-valued logic: a message matches only when the
 * selector is TRUE, so a missing property (NULL) makes most conditions UNKNOWN and the
 * message is not selected. Comparing values of different types, such as a string
 * property with a number, is FALSE, whether or not the operator has a NOT in it.
 *
 * <p>Matching is on the broker's dispatch path for every message and every consumer with
 * a selector, so the only objects it creates are the boxed results of arithmetic and of
 * JMSTimestamp: LIKE patterns and IN lists are compiled at parse time, and properties are
 * compared as they are stored, without conversion.
 */
public final class Selector {

    private static final int QUOTED_LENGTH = 200;

    private final String expression;
    private final Expression condition;

    private Selector(String expression, Expression condition) {
        this.expression = expression;
        this.condition = condition;
    }

    /**
     * Parses a selector within the widest limits a broker can be set to, those of
     * {@link BrokerConfig#MAX_SELECTOR_DEPTH_CEILING} and no limit of length: for a client
     * that checks a selector before its broker applies its own limits, and for a selector
     * the broker accepted before (a durable subscription's, read back at start).
     */
    public static Selector parse(String expression) throws InvalidSelectorException {
        return parse(expression, Integer.MAX_VALUE, BrokerConfig.MAX_SELECTOR_DEPTH_CEILING);
    }

    /**
     * Parses a selector. Null or blank (only whitespace) returns null, meaning "select
     * all".
     *
     * @throws InvalidSelectorException naming the problem and its position (the first
     *         character being position 1) for any syntax error, for any type error
     *         visible without a message, such as {@code price > 'cheap'}, and for a
     *         selector longer than {@code maxLength} characters or nesting deeper than
     *         {@code maxDepth}
     */
    public static Selector parse(String expression, int maxLength, int maxDepth) throws InvalidSelectorException {
        if (expression == null || expression.isBlank()) {
            return null;
        }
        if (expression.length() > maxLength) {
            throw invalid(expression, maxLength + 1, "the selector has " + expression.length()
                    + " characters, more than the " + maxLength + " the broker accepts (broker setting '"
                    + BrokerConfig.MAX_SELECTOR_LENGTH + "'); shorten it or raise the setting");
        }
        return new Selector(expression, Parser.parse(expression, maxDepth));
    }

    /**
     * True only when the selector is TRUE for the message; FALSE and UNKNOWN both mean no
     * match. The headers JMSDeliveryMode ({@code "PERSISTENT"} or {@code "NON_PERSISTENT"}),
     * JMSPriority, JMSMessageID, JMSTimestamp, JMSCorrelationID and JMSType come from the
     * message's header fields; every other name is a property. Never throws.
     */
    public boolean matches(MessageData message) {
        return message != null && isTrue(message);
    }

    /**
     * Same, but every identifier, header names included, is looked up through
     * {@code identifierValues}, which returns null for an absent one. Values should be the
     * JMS property types; a value of any other type compares as different from everything.
     */
    public boolean matches(Function<String, Object> identifierValues) {
        return identifierValues != null && isTrue(identifierValues);
    }

    /** The selector as it was written. */
    public String expression() {
        return expression;
    }

    @Override
    public String toString() {
        return expression;
    }

    private boolean isTrue(Object source) {
        try {
            return Boolean.TRUE.equals(condition.evaluate(source));
        } catch (RuntimeException | StackOverflowError e) {
            // Only a caller's lookup function can throw, and only a dispatching thread with a
            // stack too small for the selector's nesting (bounded by the parser) can overflow:
            // the message does not match, and the dispatch loop that called us carries on.
            return false;
        }
    }

    /** The message quotes a long selector's start only: it goes back to the client and into logs. */
    static InvalidSelectorException invalid(String expression, int position, String problem) {
        String quoted = expression.length() <= QUOTED_LENGTH ? expression
                : expression.substring(0, QUOTED_LENGTH) + "...(" + expression.length() + " characters)";
        return new InvalidSelectorException(
                "Invalid selector \"" + quoted + "\" at position " + position + ": " + problem);
    }
}
