package org.ferrymq.protocol;

import java.io.Serializable;
import java.util.Objects;

/**
 * The physical identity of a destination as the broker knows it: its kind and its name.
 * A plain value shared by the client, the protocol and the broker.
 */
public record DestinationName(Kind kind, String name) implements Serializable {

    public enum Kind {
        QUEUE, TOPIC, TEMP_QUEUE, TEMP_TOPIC;

        public boolean isQueue() {
            return this == QUEUE || this == TEMP_QUEUE;
        }

        public boolean isTopic() {
            return this == TOPIC || this == TEMP_TOPIC;
        }

        public boolean isTemporary() {
            return this == TEMP_QUEUE || this == TEMP_TOPIC;
        }
    }

    public DestinationName {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    public static DestinationName queue(String name) {
        return new DestinationName(Kind.QUEUE, name);
    }

    public static DestinationName topic(String name) {
        return new DestinationName(Kind.TOPIC, name);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + "://" + name;
    }
}
