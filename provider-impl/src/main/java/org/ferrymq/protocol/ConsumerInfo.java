package org.ferrymq.protocol;

/**
 * What a consumer is: where it reads from and how. {@code subscriptionName} is set for
 * durable and shared subscriptions; a plain topic consumer gets a private, non-durable one.
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
}
