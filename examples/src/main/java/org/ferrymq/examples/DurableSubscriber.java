package org.ferrymq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.List;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * A durable subscription keeps a topic's messages for its subscriber while the subscriber is
 * offline. The billing system subscribes to shipment events, goes offline, and on its return
 * catches up on what it missed; finally it unsubscribes, and from then on nothing is kept.
 *
 * <p>An unshared durable subscription is identified by the connection's client ID and the
 * subscription name. The client ID comes from the connection factory bound as
 * {@code DurableConnectionFactory} (its URL sets {@code clientID}), so every connection the
 * billing system makes finds the same subscription.
 */
public final class DurableSubscriber {

    private static final String SUBSCRIPTION = "billing";
    private static final long RECEIVE_TIMEOUT_MS = 5_000;
    /** How long to wait before concluding that no further message is coming. */
    private static final long QUIET_MS = 200;

    private DurableSubscriber() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        ConnectionFactory billingFactory = (ConnectionFactory) jndi.lookup("DurableConnectionFactory");
        Topic shipments = (Topic) jndi.lookup("shipments");
        jndi.close();

        try (Connection warehouseConnection = factory.createConnection()) {
            Session warehouse = warehouseConnection.createSession(Session.AUTO_ACKNOWLEDGE);
            MessageProducer publisher = warehouse.createProducer(shipments);

            try (Connection billing = billingFactory.createConnection()) {
                Session session = billing.createSession(Session.AUTO_ACKNOWLEDGE);
                MessageConsumer subscriber = session.createDurableConsumer(shipments, SUBSCRIPTION);
                billing.start();
                System.out.println("billing: subscribed durably as '" + SUBSCRIPTION + "' with client ID '"
                        + billing.getClientID() + "'");

                List<String> online = List.of("shipment 1 left the warehouse", "shipment 2 left the warehouse");
                publish(warehouse, publisher, online);
                expect(subscriber, online, "while online");
                subscriber.close();
            }
            System.out.println("billing: offline (consumer and connection closed)");

            List<String> missed = List.of("shipment 3 left the warehouse", "shipment 4 left the warehouse",
                    "shipment 2 delivered");
            publish(warehouse, publisher, missed);

            try (Connection billing = billingFactory.createConnection()) {
                Session session = billing.createSession(Session.AUTO_ACKNOWLEDGE);
                MessageConsumer subscriber = session.createDurableConsumer(shipments, SUBSCRIPTION);
                billing.start();
                System.out.println("billing: back online, subscription '" + SUBSCRIPTION + "' again");
                expect(subscriber, missed, "after coming back");
                expectNothingMore(subscriber, "after catching up");
                subscriber.close();
                session.unsubscribe(SUBSCRIPTION);
                System.out.println("billing: unsubscribed '" + SUBSCRIPTION + "'");
            }

            // With the subscription gone, nothing is kept for billing: a new subscription of the
            // same name starts empty.
            publish(warehouse, publisher, List.of("shipment 5 left the warehouse"));
            try (Connection billing = billingFactory.createConnection()) {
                Session session = billing.createSession(Session.AUTO_ACKNOWLEDGE);
                MessageConsumer subscriber = session.createDurableConsumer(shipments, SUBSCRIPTION);
                billing.start();
                expectNothingMore(subscriber, "in a new subscription '" + SUBSCRIPTION
                        + "' made after unsubscribing");
                System.out.println("billing: a new subscription '" + SUBSCRIPTION
                        + "' starts empty: nothing was kept after unsubscribing");
                subscriber.close();
                session.unsubscribe(SUBSCRIPTION);
            }
        }
        System.out.println("The durable subscription kept every message while billing was offline");
    }

    private static void publish(Session session, MessageProducer publisher, List<String> events) throws JMSException {
        for (String event : events) {
            publisher.send(session.createTextMessage(event));
            System.out.println("warehouse: published '" + event + "'");
        }
    }

    private static void expect(MessageConsumer subscriber, List<String> expected, String when)
            throws JMSException, ExampleFailure {
        List<String> received = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            Message message = subscriber.receive(RECEIVE_TIMEOUT_MS);
            if (message == null) {
                break;
            }
            received.add(message.getBody(String.class));
            System.out.println("billing: received '" + received.get(i) + "'");
        }
        if (!received.equals(expected)) {
            throw new ExampleFailure("Billing's durable subscription delivered " + received + " " + when
                    + " (waiting up to " + RECEIVE_TIMEOUT_MS + " ms each); expected " + expected);
        }
    }

    private static void expectNothingMore(MessageConsumer subscriber, String when) throws JMSException, ExampleFailure {
        Message extra = subscriber.receive(QUIET_MS);
        if (extra != null) {
            throw new ExampleFailure("Billing's durable subscription delivered '" + extra.getBody(String.class)
                    + "' " + when + "; it should hold nothing more");
        }
    }
}
