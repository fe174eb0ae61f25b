package org.ferrymq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * Consume, process, produce in one local transaction: the pipeline takes an order from the
 * {@code orders} queue and sends its invoice to the {@code invoices} queue, and commit makes
 * both happen together. When processing fails, rollback undoes both: the invoice already
 * sent is discarded and the order comes back, flagged JMSRedelivered, to be processed again.
 */
public final class TransactedPipeline {

    private static final int ORDERS = 5;
    /** The order whose first attempt fails (a payment check that times out, say). */
    private static final int FAILING_ORDER = 3;
    private static final long RECEIVE_TIMEOUT_MS = 5_000;
    /** How long to wait before concluding that no further message is coming. */
    private static final long QUIET_MS = 200;

    private TransactedPipeline() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue orders = (Queue) jndi.lookup("orders");
        Queue invoices = (Queue) jndi.lookup("invoices");
        jndi.close();

        try (Connection connection = factory.createConnection()) {
            connection.start();

            Session shop = connection.createSession(Session.AUTO_ACKNOWLEDGE);
            MessageProducer checkout = shop.createProducer(orders);
            for (int order = 1; order <= ORDERS; order++) {
                TextMessage message = shop.createTextMessage("order " + order);
                message.setIntProperty("order", order);
                checkout.send(message);
            }
            System.out.println("shop: placed orders 1 to " + ORDERS + " on queue '" + orders.getQueueName() + "'");

            Session pipeline = connection.createSession(Session.SESSION_TRANSACTED);
            MessageConsumer input = pipeline.createConsumer(orders);
            MessageProducer output = pipeline.createProducer(invoices);
            Set<Integer> invoiced = new TreeSet<>();
            boolean failedOnce = false;
            while (invoiced.size() < ORDERS) {
                Message message = input.receive(RECEIVE_TIMEOUT_MS);
                if (message == null) {
                    throw new ExampleFailure("No order arrived within " + RECEIVE_TIMEOUT_MS + " ms; invoiced so far: "
                            + invoiced + " of 1 to " + ORDERS);
                }
                int order = message.getIntProperty("order");
                boolean redelivered = message.getJMSRedelivered();
                int deliveryCount = message.getIntProperty("JMSXDeliveryCount");
                String delivery = "JMSRedelivered=" + redelivered + ", JMSXDeliveryCount=" + deliveryCount;

                output.send(pipeline.createTextMessage("invoice for order " + order)); // part of the transaction

                if (order == FAILING_ORDER && !failedOnce) {
                    failedOnce = true;
                    if (redelivered) {
                        throw new ExampleFailure("Order " + order + " came flagged as redelivered (" + delivery
                                + ") on its first delivery");
                    }
                    System.out.println("pipeline: order " + order + " (" + delivery
                            + "): invoice sent, then processing fails -> rollback");
                    pipeline.rollback();
                    continue;
                }
                boolean shouldBeRedelivered = order == FAILING_ORDER;
                if (redelivered != shouldBeRedelivered || (shouldBeRedelivered && deliveryCount < 2)) {
                    throw new ExampleFailure("Order " + order + " arrived with " + delivery + "; only order "
                            + FAILING_ORDER + " was rolled back, so only it should be flagged as redelivered, "
                            + "with a delivery count of 2 or more");
                }
                pipeline.commit();
                if (!invoiced.add(order)) {
                    throw new ExampleFailure("Order " + order + " was received again after its transaction committed");
                }
                System.out.println("pipeline: order " + order + " (" + delivery + "): invoice sent -> commit");
            }

            Session billing = connection.createSession(Session.AUTO_ACKNOWLEDGE);
            MessageConsumer invoiceReader = billing.createConsumer(invoices);
            List<String> received = new ArrayList<>();
            Message invoice;
            while ((invoice = invoiceReader.receive(received.size() < ORDERS ? RECEIVE_TIMEOUT_MS : QUIET_MS)) != null) {
                received.add(invoice.getBody(String.class));
            }
            System.out.println("billing: queue '" + invoices.getQueueName() + "' held " + received);

            List<String> expected = new ArrayList<>();
            for (int order = 1; order <= ORDERS; order++) {
                expected.add("invoice for order " + order);
            }
            List<String> sorted = new ArrayList<>(received);
            sorted.sort(null);
            if (!sorted.equals(expected)) {
                throw new ExampleFailure("The invoices queue held " + received + "; expected one invoice per order, "
                        + expected + " (the invoice sent in the rolled-back transaction must have been discarded)");
            }
            Message leftOver = input.receive(QUIET_MS);
            pipeline.commit();
            if (leftOver != null) {
                throw new ExampleFailure("Queue '" + orders.getQueueName() + "' still held '"
                        + leftOver.getBody(String.class) + "' after every order was committed");
            }
        }
        System.out.println("Every order was invoiced exactly once; the rolled-back attempt left no trace");
    }
}
