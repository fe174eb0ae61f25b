package org.ferrymq.security;

/**
 * What a permission allows on the destinations its pattern matches; each is named in a
 * permissions file as {@link #key}.
 */
public enum Operation {
    /** Send (publish) a message to it. */
    SEND("send"),
    /** Create a consumer on it: receive from a queue, subscribe to a topic. */
    CONSUME("consume"),
    /** Browse a queue. */
    BROWSE("browse"),
    /** Create a durable or shared subscription on a topic (attaching to one that exists needs only consume). */
    CREATE_DURABLE("createDurable"),
    /** Remove (unsubscribe) a durable subscription of a topic. */
    DELETE_DURABLE("deleteDurable"),
    /** Have the broker create the destination on first use (autoCreateDestinations). */
    CREATE_DESTINATION("createDestination"),
    /** Administer it; {@code manage.#} also lets a user see and finish every user's XA branches. */
    MANAGE("manage");

    private final String key;

    Operation(String key) {
        this.key = key;
    }

    /** The operation's name in a permissions file, e.g. {@code createDurable}. */
    public String key() {
        return key;
    }

    /** The operation a permissions file names {@code key}, or null. */
    static Operation of(String key) {
        for (Operation operation : values()) {
            if (operation.key.equals(key)) {
                return operation;
            }
        }
        return null;
    }

    /** The keys, for messages: "send, consume, ...". */
    static String keys() {
        StringBuilder keys = new StringBuilder();
        for (Operation operation : values()) {
            keys.append(keys.length() == 0 ? "" : ", ").append(operation.key);
        }
        return keys.toString();
    }
}
