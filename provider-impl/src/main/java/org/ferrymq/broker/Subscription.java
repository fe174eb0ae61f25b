package org.ferrymq.broker;

import java.util.Objects;
import org.ferrymq.selector.Selector;

/**
 * A topic subscription: a queue bound to a topic, fed with every message published to the
 * topic that passes its selector and noLocal rule. Durable and shared subscriptions have a
 * name; a plain topic consumer's private subscription does not, and dies with it.
 */
final class Subscription {

    final MessageQueue queue;
    final BrokerTopic topic;
    final String clientId;
    final String name;
    final Selector selector;
    final boolean noLocal;
    final boolean durable;
    final boolean shared;
    /** For a private subscription: the connection whose own messages noLocal refuses. */
    final String ownerConnectionId;

    Subscription(MessageQueue queue, BrokerTopic topic, String clientId, String name, Selector selector,
            boolean noLocal, boolean durable, boolean shared, String ownerConnectionId) {
        this.queue = queue;
        this.topic = topic;
        this.clientId = clientId;
        this.name = name;
        this.selector = selector;
        this.noLocal = noLocal;
        this.durable = durable;
        this.shared = shared;
        this.ownerConnectionId = ownerConnectionId;
    }

    /** Whether a published message belongs in this subscription. */
    boolean accepts(ServerMessage message) {
        if (noLocal) {
            if (durable) {
                if (clientId != null && clientId.equals(message.senderClientId)) {
                    return false;
                }
            } else if (ownerConnectionId != null && ownerConnectionId.equals(message.senderConnectionId)) {
                return false;
            }
        }
        return selector == null || selector.matches(message.data);
    }

    String selectorText() {
        return selector == null ? null : selector.expression();
    }

    /** Same topic, selector and noLocal: a re-subscription that keeps the existing messages. */
    boolean sameAs(BrokerTopic otherTopic, String otherSelector, boolean otherNoLocal) {
        return topic == otherTopic && Objects.equals(selectorText(), otherSelector) && noLocal == otherNoLocal;
    }

    @Override
    public String toString() {
        return (durable ? "durable " : "") + (shared ? "shared " : "") + "subscription '" + name + "'"
                + (clientId == null ? "" : " of client '" + clientId + "'") + " on topic '" + topic.name + "'";
    }
}
