package org.ferrymq.protocol;

/**
 * What a consumer is: where it reads from and how. {@code subscriptionName} is set for
 * durable and shared subscriptions; a plain topic consumer gets a private, non-durable one.
 * {@code prefetch} is between 1 and {@link #MAX_PREFETCH}; the broker refuses any other.
 */
public record ConsumerInfo(
        long consumerId,
        long sessionId,
        DestinationName destination,
        String selector,
        boolean noLocal,
        String subscriptionName,
        boolean durable,
        boolean shared,
        int prefetch) {

    /**
     * The largest prefetch window: more buys no throughput, and a window near
     * Integer.MAX_VALUE would overflow the broker's credit count.
     */
    public static final int MAX_PREFETCH = 10_000;
}
