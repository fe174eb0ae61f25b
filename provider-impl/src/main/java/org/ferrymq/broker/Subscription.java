package org.ferrymq.broker;

import java.util.Objects;
import org.ferrymq.selector.Selector;

/**
 * A topic subscription: a queue bound to a topic, fed with every message published to the
 * topic that passes its selector and noLocal rule. Durable and shared subscriptions have a
 * name; a plain topic consumer's private subscription does not, and dies with it.
 *
 * <p>A durable subscription recovered with a selector that no longer parses keeps that text in
 * {@link #unreadableSelector} and takes no message at all: selecting everything instead would
 * fill it with messages its subscriber never asked for.
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
    /** The stored selector of a recovered subscription when it no longer parses; null otherwise. */
    final String unreadableSelector;

    Subscription(MessageQueue queue, BrokerTopic topic, String clientId, String name, Selector selector,
            boolean noLocal, boolean durable, boolean shared, String ownerConnectionId) {
        this(queue, topic, clientId, name, selector, null, noLocal, durable, shared, ownerConnectionId);
    }

    /** A durable subscription recovered from the journal, whose stored selector may no longer parse. */
    static Subscription recovered(MessageQueue queue, BrokerTopic topic, String clientId, String name,
            Selector selector, String unreadableSelector, boolean noLocal, boolean shared) {
        return new Subscription(queue, topic, clientId, name, selector, unreadableSelector, noLocal, true, shared, null);
    }

    private Subscription(MessageQueue queue, BrokerTopic topic, String clientId, String name, Selector selector,
            String unreadableSelector, boolean noLocal, boolean durable, boolean shared, String ownerConnectionId) {
        this.queue = queue;
        this.topic = topic;
        this.clientId = clientId;
        this.name = name;
        this.selector = selector;
        this.noLocal = noLocal;
        this.durable = durable;
        this.shared = shared;
        this.ownerConnectionId = ownerConnectionId;
        this.unreadableSelector = unreadableSelector;
    }

    /** Whether a published message belongs in this subscription. */
    boolean accepts(ServerMessage message) {
        if (unreadableSelector != null) {
            return false;
        }
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
        return selector == null ? unreadableSelector : selector.expression();
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
