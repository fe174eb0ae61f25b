package org.ferrymq.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the broker treats the messages of one destination (a queue, or every subscription of a
 * topic): redelivery, dead letters, expiry, message groups, duplicate detection. Settings are
 * given per destination name pattern ({@link DestinationPattern}), in a broker configuration
 * file as {@code destination.PATTERN.SETTING=VALUE}, e.g.
 * {@code destination.orders.#.redeliveryDelay=1000}, or with
 * {@link BrokerConfig#destinationPolicy}. For each setting the most specific pattern that sets
 * it and matches the destination wins ({@link DestinationPattern#MOST_SPECIFIC_FIRST}); a
 * setting no pattern sets takes the broker-wide value ({@link BrokerConfig#MAX_DELIVERY_ATTEMPTS},
 * {@link BrokerConfig#DEAD_LETTER_QUEUE}) or its default.
 */
public final class DestinationPolicy {

    /** Deliveries of one message before it is dead-lettered; 0 for no limit. Default: the broker's {@code maxDeliveryAttempts}. */
    public static final String MAX_DELIVERY_ATTEMPTS = "maxDeliveryAttempts";
    /** Where messages past {@link #MAX_DELIVERY_ATTEMPTS} go. Default: the broker's {@code deadLetterQueue}. */
    public static final String DEAD_LETTER_QUEUE = "deadLetterQueue";
    /** {@code true}: each destination gets a dead-letter queue of its own, {@code DLQ.<destination>}. Default false. */
    public static final String AUTO_CREATE_DEAD_LETTER_QUEUE = "autoCreateDeadLetterQueue";
    /** Milliseconds before a rolled-back or recovered message is delivered again. Default 0. */
    public static final String REDELIVERY_DELAY = "redeliveryDelay";
    /** Each further redelivery waits this many times longer than the one before. Default 1. */
    public static final String REDELIVERY_MULTIPLIER = "redeliveryMultiplier";
    /** The longest a redelivery waits, in milliseconds. Default: 10 times {@link #REDELIVERY_DELAY}. */
    public static final String MAX_REDELIVERY_DELAY = "maxRedeliveryDelay";
    /** A fraction 0 to 1: each delay is moved at random by up to this share of it, up or down. Default 0. */
    public static final String REDELIVERY_JITTER = "redeliveryJitter";
    /** {@code true}: a message waiting for its redelivery holds back the messages behind it. Default false. */
    public static final String STRICT_ORDER = "strictOrder";
    /** Where expired messages go; empty (the default): they are dropped. */
    public static final String EXPIRY_QUEUE = "expiryQueue";
    /** {@code true}: each destination gets an expiry queue of its own, {@code Expiry.<destination>}. Default false. */
    public static final String AUTO_CREATE_EXPIRY_QUEUE = "autoCreateExpiryQueue";
    /**
     * The most message groups ({@code JMSXGroupID}) one queue pins to consumers at once. Past it, a
     * new group takes the pin of the least recently used pinned group with nothing in flight; if
     * every pinned group has messages in flight, the new group is delivered unpinned, one message
     * at a time, and a warning is logged once per queue. 0 turns groups off: such messages then go
     * to any consumer. Pins are kept in memory only. Default 10000.
     */
    public static final String MAX_GROUPS = "maxGroups";
    /** Duplicate IDs remembered per destination, the latest ones; 0 turns detection off. Default 10000. */
    public static final String DUPLICATE_ID_WINDOW = "duplicateIdWindow";
    /** Milliseconds a duplicate ID is remembered, besides the count; 0 (the default): no time limit. */
    public static final String DUPLICATE_ID_WINDOW_TIME = "duplicateIdWindowTime";

    /**
     * The message property that carries a send's duplicate ID: a String of 1 to 255 characters
     * ({@link org.ferrymq.api.journal.Journal#MAX_DUPLICATE_ID_LENGTH}) that the application, or
     * the client with the connection URL's {@code duplicateDetection=true}, sets. A send whose ID
     * the broker accepted on the same destination (a queue, or a topic for all its subscriptions)
     * within the destination's window, the last {@link #DUPLICATE_ID_WINDOW} IDs and, if set, the
     * last {@link #DUPLICATE_ID_WINDOW_TIME} milliseconds, is acknowledged as if sent and dropped:
     * nothing is stored or delivered. The property arrives with the message like any other.
     */
    public static final String DUPLICATE_ID_PROPERTY = "JMS_FerryMQ_DuplicateID";

    /** The prefix of automatically created dead-letter queues. */
    public static final String DEAD_LETTER_PREFIX = "DLQ.";
    /** The prefix of automatically created expiry queues. */
    public static final String EXPIRY_PREFIX = "Expiry.";

    /** The settings a policy takes, in the order the README lists them. */
    public static final Set<String> SETTINGS = Collections.unmodifiableSet(new TreeSet<>(Set.of(
            MAX_DELIVERY_ATTEMPTS, DEAD_LETTER_QUEUE, AUTO_CREATE_DEAD_LETTER_QUEUE, REDELIVERY_DELAY,
            REDELIVERY_MULTIPLIER, MAX_REDELIVERY_DELAY, REDELIVERY_JITTER, STRICT_ORDER, EXPIRY_QUEUE,
            AUTO_CREATE_EXPIRY_QUEUE, MAX_GROUPS, DUPLICATE_ID_WINDOW, DUPLICATE_ID_WINDOW_TIME)));

    private final int maxDeliveryAttempts;
    private final String deadLetterQueue;
    private final boolean autoCreateDeadLetterQueue;
    private final long redeliveryDelay;
    private final double redeliveryMultiplier;
    private final long maxRedeliveryDelay;
    private final double redeliveryJitter;
    private final boolean strictOrder;
    private final String expiryQueue;
    private final boolean autoCreateExpiryQueue;
    private final int maxGroups;
    private final long duplicateIdWindow;
    private final long duplicateIdWindowTime;

    /**
     * The policy of settings given as text (each checked with {@link #check}); what {@code settings}
     * lacks takes the broker's {@code maxDeliveryAttempts} and {@code deadLetterQueue}, or the default.
     */
    public DestinationPolicy(Map<String, String> settings, int brokerMaxDeliveryAttempts,
            String brokerDeadLetterQueue) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        s.forEach(DestinationPolicy::check);
        maxDeliveryAttempts = s.containsKey(MAX_DELIVERY_ATTEMPTS)
                ? Integer.parseInt(s.get(MAX_DELIVERY_ATTEMPTS).trim()) : brokerMaxDeliveryAttempts;
        deadLetterQueue = s.getOrDefault(DEAD_LETTER_QUEUE, brokerDeadLetterQueue).trim();
        autoCreateDeadLetterQueue = Boolean.parseBoolean(s.getOrDefault(AUTO_CREATE_DEAD_LETTER_QUEUE, "false").trim());
        redeliveryDelay = Long.parseLong(s.getOrDefault(REDELIVERY_DELAY, "0").trim());
        redeliveryMultiplier = Double.parseDouble(s.getOrDefault(REDELIVERY_MULTIPLIER, "1").trim());
        // a maximum below the first delay (set by a less specific pattern) does not shorten it
        maxRedeliveryDelay = Math.max(redeliveryDelay, s.containsKey(MAX_REDELIVERY_DELAY)
                ? Long.parseLong(s.get(MAX_REDELIVERY_DELAY).trim()) : saturatedTimesTen(redeliveryDelay));
        redeliveryJitter = Double.parseDouble(s.getOrDefault(REDELIVERY_JITTER, "0").trim());
        strictOrder = Boolean.parseBoolean(s.getOrDefault(STRICT_ORDER, "false").trim());
        expiryQueue = s.getOrDefault(EXPIRY_QUEUE, "").trim();
        autoCreateExpiryQueue = Boolean.parseBoolean(s.getOrDefault(AUTO_CREATE_EXPIRY_QUEUE, "false").trim());
        maxGroups = Integer.parseInt(s.getOrDefault(MAX_GROUPS, "10000").trim());
        duplicateIdWindow = Long.parseLong(s.getOrDefault(DUPLICATE_ID_WINDOW, "10000").trim());
        duplicateIdWindowTime = Long.parseLong(s.getOrDefault(DUPLICATE_ID_WINDOW_TIME, "0").trim());
    }

    private static long saturatedTimesTen(long millis) {
        return millis > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : millis * 10;
    }

    /**
     * Checks one setting's value.
     *
     * @throws IllegalArgumentException naming the setting (never the value's text beyond the
     *     setting) and what it takes, or naming an unknown setting and the known ones
     */
    public static void check(String setting, String value) {
        String v = value == null ? "" : value.trim();
        switch (setting) {
            case MAX_DELIVERY_ATTEMPTS, MAX_GROUPS -> requireRange(setting, v, 0, Integer.MAX_VALUE, "a whole number, 0 or more");
            case REDELIVERY_DELAY, MAX_REDELIVERY_DELAY, DUPLICATE_ID_WINDOW, DUPLICATE_ID_WINDOW_TIME ->
                    requireRange(setting, v, 0, Long.MAX_VALUE, "a whole number, 0 or more");
            case REDELIVERY_MULTIPLIER -> requireDouble(setting, v, 1, 1000, "a number from 1 to 1000");
            case REDELIVERY_JITTER -> requireDouble(setting, v, 0, 1, "a number from 0 to 1");
            case AUTO_CREATE_DEAD_LETTER_QUEUE, AUTO_CREATE_EXPIRY_QUEUE, STRICT_ORDER -> {
                String b = v.toLowerCase(Locale.ROOT);
                if (!b.equals("true") && !b.equals("false")) {
                    throw new IllegalArgumentException("Destination setting '" + setting + "' takes true or false");
                }
            }
            case DEAD_LETTER_QUEUE -> {
                if (v.isEmpty()) {
                    throw new IllegalArgumentException("Destination setting '" + DEAD_LETTER_QUEUE + "' is empty; name"
                            + " a queue, or set '" + MAX_DELIVERY_ATTEMPTS + "' to 0 to redeliver without a limit");
                }
            }
            case EXPIRY_QUEUE -> { } // empty: expired messages are dropped
            default -> throw new IllegalArgumentException("Unknown destination setting '" + setting + "'; the settings"
                    + " are " + SETTINGS);
        }
    }

    private static void requireRange(String setting, String v, long min, long max, String what) {
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("Destination setting '" + setting + "' takes " + what);
    }

    private static void requireDouble(String setting, String v, double min, double max, String what) {
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("Destination setting '" + setting + "' takes " + what);
    }

    public int maxDeliveryAttempts() { return maxDeliveryAttempts; }
    public boolean autoCreateDeadLetterQueue() { return autoCreateDeadLetterQueue; }
    public long redeliveryDelay() { return redeliveryDelay; }
    public double redeliveryMultiplier() { return redeliveryMultiplier; }
    public long maxRedeliveryDelay() { return maxRedeliveryDelay; }
    public double redeliveryJitter() { return redeliveryJitter; }
    public boolean strictOrder() { return strictOrder; }
    public boolean autoCreateExpiryQueue() { return autoCreateExpiryQueue; }
    public int maxGroups() { return maxGroups; }
    public long duplicateIdWindow() { return duplicateIdWindow; }
    public long duplicateIdWindowTime() { return duplicateIdWindowTime; }

    /** The dead-letter queue of the destination {@code name}: its own with {@link #AUTO_CREATE_DEAD_LETTER_QUEUE}. */
    public String deadLetterQueueFor(String name) {
        return autoCreateDeadLetterQueue ? DEAD_LETTER_PREFIX + name : deadLetterQueue;
    }

    /** The expiry queue of the destination {@code name}; null when its expired messages are dropped. */
    public String expiryQueueFor(String name) {
        return autoCreateExpiryQueue ? EXPIRY_PREFIX + name : expiryQueue.isEmpty() ? null : expiryQueue;
    }

    /**
     * Milliseconds a message waits before its next delivery, after {@code deliveries} deliveries
     * (1 after the first): {@code redeliveryDelay * redeliveryMultiplier^(deliveries - 1)}, at most
     * {@code maxRedeliveryDelay}, moved at random by up to {@code redeliveryJitter} of itself.
     */
    public long redeliveryDelayAfter(int deliveries) {
        if (redeliveryDelay == 0 || deliveries < 1) {
            return 0;
        }
        double delay = redeliveryDelay * Math.pow(redeliveryMultiplier, deliveries - 1);
        delay = Math.min(delay, maxRedeliveryDelay);
        if (redeliveryJitter > 0) {
            delay *= 1 + redeliveryJitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        }
        return Math.max(0, Math.round(Math.min(delay, (double) Long.MAX_VALUE / 2)));
    }
}
