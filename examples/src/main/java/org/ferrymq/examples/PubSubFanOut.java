package org.ferrymq.examples;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Topic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * Publish and subscribe: one publisher, three subscribers on a topic, and every subscriber
 * gets every message, in the order it was published. Written with the simplified API
 * (JMSContext), one context per application.
 *
 * <p>The subscriptions are not durable, so a subscriber only gets what is published while
 * it exists: the subscribers are created before the first price is published.
 */
public final class PubSubFanOut {

    private static final List<String> PRICES = List.of("ACME 101.50", "GLOBEX 57.20", "ACME 101.75",
            "INITECH 12.05", "GLOBEX 57.10");
    private static final long RECEIVE_TIMEOUT_MS = 5_000;

    private PubSubFanOut() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Topic prices = (Topic) jndi.lookup("prices");
        jndi.close();

        try (JMSContext tradingDesk = factory.createContext();
                JMSContext risk = factory.createContext();
                JMSContext audit = factory.createContext();
                JMSContext publisher = factory.createContext()) {
            Map<String, JMSConsumer> subscribers = new LinkedHashMap<>();
            subscribers.put("trading-desk", tradingDesk.createConsumer(prices));
            subscribers.put("risk", risk.createConsumer(prices));
            subscribers.put("audit", audit.createConsumer(prices));

            JMSProducer producer = publisher.createProducer();
            for (String price : PRICES) {
                producer.send(prices, price);
            }
            System.out.println("Published " + PRICES.size() + " prices to topic '" + prices.getTopicName()
                    + "', which has " + subscribers.size() + " subscribers");

            for (Map.Entry<String, JMSConsumer> subscriber : subscribers.entrySet()) {
                List<String> received = new ArrayList<>();
                for (int i = 0; i < PRICES.size(); i++) {
                    String price = subscriber.getValue().receiveBody(String.class, RECEIVE_TIMEOUT_MS);
                    if (price == null) {
                        break;
                    }
                    received.add(price);
                }
                System.out.println(subscriber.getKey() + " got " + received);
                if (!received.equals(PRICES)) {
                    throw new ExampleFailure("Subscriber '" + subscriber.getKey() + "' got " + received
                            + " within " + RECEIVE_TIMEOUT_MS + " ms each; every subscriber of a topic gets "
                            + "every message, in publishing order: " + PRICES);
                }
            }
        }
        System.out.println("Every subscriber got every price, in order");
    }
}
