package org.ferrymq.broker;

import java.util.Map;
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

    Policies(BrokerConfig config) {
        this.config = config;
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
        config = changed;
        resolved = new ConcurrentHashMap<>();
    }
}
