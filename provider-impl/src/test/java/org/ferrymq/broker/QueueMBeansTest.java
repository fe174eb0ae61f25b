package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.management.QueueMXBean;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code jmx=true} the broker's queues and named subscriptions are MXBeans in the platform
 * MBean server, read through JMX as a console would; they come and go with the queues, and go
 * with the broker. Without it nothing is registered.
 */
class QueueMBeansTest {

    private final String name = "jmx-test-" + UUID.randomUUID();
    private final FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name);
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @AfterEach
    void stop() {
        EmbeddedBroker.stop(name);
    }

    private Set<ObjectName> registered() throws Exception {
        return server.queryNames(new ObjectName("org.ferrymq:broker=" + ObjectName.quote(name) + ",*"), null);
    }

    private static void await(BooleanSupplier condition, String what) throws Exception {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50); // the registrations catch up every second
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void queuesAndSubscriptionsAreMXBeansWithTheirFiguresAndGoWithTheBroker() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().jmx(true));
        ObjectName orders = QueueMBeans.queueName(name, "orders, \"eu\"=*");
        ObjectName audit = QueueMBeans.subscriptionName(name, "auditor", "audit");
        try (Connection c = factory.createConnection()) {
            c.setClientID("auditor");
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createDurableSubscriber(s.createTopic("prices"), "audit").close();
            MessageProducer producer = s.createProducer(s.createQueue("orders, \"eu\"=*"));
            for (int i = 0; i < 3; i++) {
                producer.send(s.createTextMessage("order " + i));
            }
            s.createProducer(s.createTopic("prices")).send(s.createTextMessage("price"));
            await(() -> server.isRegistered(orders) && server.isRegistered(audit), "registered: " + orders + ", " + audit);

            QueueMXBean queue = JMX.newMXBeanProxy(server, orders, QueueMXBean.class);
            assertEquals("orders, \"eu\"=*", queue.getName());
            assertEquals(3, queue.getMessageCount());
            assertEquals(3, queue.getMessagesAdded());
            assertEquals(3L, server.getAttribute(orders, "MessageCount"), "read as a generic JMX client reads it");
            QueueMXBean subscription = JMX.newMXBeanProxy(server, audit, QueueMXBean.class);
            assertEquals("prices", subscription.getDestination());
            assertEquals(1, subscription.getMessageCount());

            try (MessageConsumer consumer = s.createConsumer(s.createQueue("orders, \"eu\"=*"))) {
                assertNotNull(consumer.receive(5000));
                await(() -> queue.getMessagesAcknowledged() == 1 && queue.getMessageCount() == 2,
                        "one acknowledged, two left");
                assertEquals(1, queue.getConsumerCount());
            }

            TemporaryQueue temporary = s.createTemporaryQueue();
            ObjectName temporaryName = QueueMBeans.queueName(name, temporary.getQueueName());
            await(() -> server.isRegistered(temporaryName), "the temporary queue registered");
            temporary.delete();
            await(() -> !server.isRegistered(temporaryName), "the deleted temporary queue unregistered");
        }
        EmbeddedBroker.stop(name);
        assertEquals(Set.of(), registered(), "a stopped broker leaves nothing in JMX");
    }

    @Test
    void withoutTheSettingNothingIsRegistered() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal());
        try (Connection c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("orders")).send(s.createTextMessage("order"));
            Thread.sleep(2 * QueueMBeans.PERIOD_MILLIS); // two periods in which a registration would have come
            assertFalse(server.isRegistered(QueueMBeans.queueName(name, "orders")));
            assertEquals(Set.of(), registered());
        }
    }
}
