package org.ferrymq.broker;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.ferrymq.api.management.QueueMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's queues and named subscriptions as MXBeans in the platform MBean server (broker
 * setting {@code jmx=true}). The registrations follow the broker's queues by looking at them
 * every {@link #PERIOD_MILLIS}, not by being told at each creation and deletion: nothing on the
 * way of a JMS call registers anything, so JMX can neither slow nor fail one, and a queue made
 * by a creation that then failed is never registered. A registration that fails is logged once.
 */
final class QueueMBeans {

    private static final Logger LOG = LoggerFactory.getLogger(QueueMBeans.class);

    /** How often the registrations catch up with the queues. */
    static final long PERIOD_MILLIS = 1000;

    /** A queue's name in JMX, and the destination its view shows (a subscription's topic). */
    record Named(ObjectName name, String destination) {}

    private final String broker;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Supplier<Map<MessageQueue, Named>> live;
    /** What this broker registered; guarded by this object's monitor. */
    private final Map<MessageQueue, ObjectName> registered = new HashMap<>();
    private boolean closed;

    QueueMBeans(String broker, Supplier<Map<MessageQueue, Named>> live) {
        this.broker = broker;
        this.live = live;
    }

    /** The JMX name of queue destination {@code queue}. */
    static ObjectName queueName(String broker, String queue) throws MalformedObjectNameException {
        return new ObjectName("org.ferrymq:type=Queue,broker=" + ObjectName.quote(broker) + ",name="
                + ObjectName.quote(queue));
    }

    /** The JMX name of the named subscription {@code name} of client ID {@code clientId} (null: none). */
    static ObjectName subscriptionName(String broker, String clientId, String name)
            throws MalformedObjectNameException {
        return new ObjectName("org.ferrymq:type=Subscription,broker=" + ObjectName.quote(broker) + ",clientId="
                + ObjectName.quote(clientId == null ? "" : clientId) + ",name=" + ObjectName.quote(name));
    }

    /** Registers the queues that came, unregisters those that went. */
    synchronized void sync() {
        if (closed) {
            return;
        }
        Map<MessageQueue, Named> now = live.get();
        registered.entrySet().removeIf(e -> {
            if (now.containsKey(e.getKey())) {
                return false;
            }
            unregister(e.getValue());
            return true;
        });
        now.forEach((queue, named) -> {
            if (!registered.containsKey(queue)) {
                try {
                    server.registerMBean(new View(queue, named.destination()), named.name());
                    registered.put(queue, named.name());
                } catch (JMException e) {
                    registered.put(queue, null); // not tried again while the queue lives
                    LOG.warn("Broker '{}' could not register {} in JMX: {}", broker, named.name(), e.getMessage());
                }
            }
        });
    }

    /** Unregisters everything this broker registered; no more from now on. */
    synchronized void close() {
        closed = true;
        registered.values().forEach(this::unregister);
        registered.clear();
    }

    private void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            // gone already
        }
    }

    /** What JMX reads of one queue: each attribute from its counters, without the queue's lock (but the consumers). */
    private record View(MessageQueue queue, String destination) implements QueueMXBean {

        @Override
        public String getName() {
            return queue.name;
        }

        @Override
        public String getDestination() {
            return destination;
        }

        @Override
        public long getMessageCount() {
            return queue.statistics.messages();
        }

        @Override
        public long getMessagesAdded() {
            return queue.statistics.addedTotal();
        }

        @Override
        public long getMessagesAcknowledged() {
            return queue.statistics.acknowledged();
        }

        @Override
        public long getMessagesRedelivered() {
            return queue.statistics.redeliveredTotal();
        }

        @Override
        public long getMessagesExpired() {
            return queue.statistics.expired();
        }

        @Override
        public long getMessagesDeadLettered() {
            return queue.statistics.deadLettered();
        }

        @Override
        public int getConsumerCount() {
            return queue.consumerCount();
        }
    }
}
