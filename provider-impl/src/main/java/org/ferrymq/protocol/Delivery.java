package org.ferrymq.protocol;

/**
 * A message dispatched to a consumer. {@code deliveryCount} is 1 on first delivery;
 * {@code generation} is the session's delivery generation at dispatch time (see
 * {@link Command.Rollback}).
 */
public record Delivery(long consumerId, long deliveryId, int generation, int deliveryCount, MessageData message) {
}
