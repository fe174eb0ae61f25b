package org.ferrymq.broker;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.DestinationPolicy;

/**
 * The destination policies of a running broker, resolved once per destination name and kept;
 * replaced as a whole when the server's settings change, so a queue always reads one
 * consistent policy, the current one.
 */
final class Policies {

    private volatile BrokerConfig config;
    private volatile Map<String, DestinationPolicy> resolved = new ConcurrentHashMap<>();
    /** The names of the queues some policy sends dead letters or expired messages to. */
    private volatile Set<String> deadLetterTargets;

    Policies(BrokerConfig config) {
        this.config = config;
        this.deadLetterTargets = deadLetterTargets(config);
    }

    /** The policy of the destination {@code name}: a queue's name, or a topic's for its subscriptions. */
    DestinationPolicy of(String name) {
        Map<String, DestinationPolicy> current = resolved;
        DestinationPolicy policy = current.get(name);
        if (policy == null) {
            policy = config.destinationPolicyFor(name);
            current.putIfAbsent(name, policy);
        }
        return policy;
    }

    /** Takes the destination policies of {@code changed} from now on (the other settings stay as started). */
    void update(BrokerConfig changed) {
        deadLetterTargets = deadLetterTargets(changed);
        config = changed;
        resolved = new ConcurrentHashMap<>();
    }

    /**
     * Whether the queue {@code name} takes dead letters or expired messages: the broker's
     * dead-letter queue, one named by a policy, or one created for a destination
     * ({@code DLQ.<destination>}, {@code Expiry.<destination>}). Its messages are never moved by
     * dead-lettering or expiry again, so no message goes round between such queues.
     */
    boolean isDeadLetterOrExpiryQueue(String name) {
        return name.startsWith(DestinationPolicy.DEAD_LETTER_PREFIX) || name.startsWith(DestinationPolicy.EXPIRY_PREFIX)
                || deadLetterTargets.contains(name);
    }

    private static Set<String> deadLetterTargets(BrokerConfig config) {
        Set<String> names = new HashSet<>();
        names.add(config.deadLetterQueue());
        for (Map<String, String> settings : config.destinationPolicies().values()) {
            String deadLetters = settings.get(DestinationPolicy.DEAD_LETTER_QUEUE);
            String expired = settings.get(DestinationPolicy.EXPIRY_QUEUE);
            if (deadLetters != null) {
                names.add(deadLetters);
            }
            if (expired != null && !expired.isEmpty()) {
                names.add(expired);
            }
        }
        return Set.copyOf(names);
    }
}
