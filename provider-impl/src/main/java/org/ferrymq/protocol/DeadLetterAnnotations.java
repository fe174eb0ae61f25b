package org.ferrymq.protocol;

/**
 * The properties the broker adds to a message it moves to a dead-letter or expiry queue:
 * provider-specific properties, whose names start with {@code JMS_FerryMQ_} (Jakarta Messaging
 * 3.5.10 reserves {@code JMS_<vendor>} for them). Any application reads them like other
 * properties, and may select on them.
 *
 * <p>The broker sets them itself when it moves a message, after removing every
 * {@code JMS_FerryMQ_} property the sender set, so on a message it moved they are its own. It
 * never acts on them: which messages are moved again is decided by the queue they are on,
 * never by a property a sender could set. Only {@code org.ferrymq.client.DeadLetters} reads
 * them, to send a message back to where it came from; an application that may send to a
 * dead-letter queue could put a message there naming any origin, so grant no one but operators
 * {@code send} on dead-letter and expiry queues.
 */
public final class DeadLetterAnnotations {

    /** What every provider-specific property name of FerryMQ starts with. */
    public static final String PREFIX = "JMS_FerryMQ_";
    /** String: the name of the queue or topic the message was sent to. */
    public static final String ORIGINAL_DESTINATION = PREFIX + "OriginalDestination";
    /** String: {@code queue} or {@code topic}. */
    public static final String ORIGINAL_DESTINATION_TYPE = PREFIX + "OriginalDestinationType";
    /** String: the JMSMessageID it was sent with (absent when the producer disabled message IDs). */
    public static final String ORIGINAL_MESSAGE_ID = PREFIX + "OriginalMessageID";
    /** String: for a message of a topic, the name of the subscription's queue it was moved from. */
    public static final String ORIGINAL_SUBSCRIPTION = PREFIX + "OriginalSubscription";
    /** int: the times it was delivered before it was moved. */
    public static final String DELIVERY_COUNT = PREFIX + "DeliveryCount";
    /** String: why it was moved, {@link #MAX_DELIVERIES} or {@link #EXPIRED}. */
    public static final String DEAD_LETTER_REASON = PREFIX + "DeadLetterReason";
    /** long: when it was moved, in milliseconds since 1970 (UTC), by the broker's clock. */
    public static final String DEAD_LETTER_TIME = PREFIX + "DeadLetterTime";
    /** long: for an expired message, the JMSExpiration it had (on the expiry queue it has none). */
    public static final String ORIGINAL_EXPIRATION = PREFIX + "OriginalExpiration";

    /** The reason of a message that used up its delivery attempts. */
    public static final String MAX_DELIVERIES = "maxDeliveries";
    /** The reason of a message that expired. */
    public static final String EXPIRED = "expired";

    private DeadLetterAnnotations() {
    }

    /** Whether {@code property} is one of FerryMQ's provider-specific properties. */
    public static boolean isAnnotation(String property) {
        return property.startsWith(PREFIX);
    }
}
