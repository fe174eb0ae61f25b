package org.ferrymq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * Request and reply: a requester asks a price service for quotes. Each request names the
 * requester's temporary queue in JMSReplyTo and carries a correlation ID; the service sends
 * its answer to that queue with the same correlation ID, which is how the requester matches
 * answers to questions even when several are outstanding.
 */
public final class RequestReply {

    private static final Map<String, String> PRICE_LIST = Map.of("ACME", "101.50", "GLOBEX", "57.20",
            "INITECH", "12.05");
    private static final List<String> ASKED_FOR = List.of("ACME", "GLOBEX", "INITECH");
    private static final long RECEIVE_TIMEOUT_MS = 5_000;

    private RequestReply() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue quoteRequests = (Queue) jndi.lookup("quoteRequests");
        jndi.close();

        List<Exception> serviceErrors = new CopyOnWriteArrayList<>();
        try (Connection serviceConnection = factory.createConnection();
                Connection requesterConnection = factory.createConnection()) {
            // The price service: answers each request on the queue its JMSReplyTo names.
            Session service = serviceConnection.createSession(Session.AUTO_ACKNOWLEDGE);
            MessageProducer replier = service.createProducer(null); // every reply names its own destination
            service.createConsumer(quoteRequests).setMessageListener(request -> {
                try {
                    String symbol = request.getBody(String.class);
                    TextMessage reply = service.createTextMessage(symbol + " " + PRICE_LIST.get(symbol));
                    reply.setJMSCorrelationID(request.getJMSCorrelationID());
                    replier.send(request.getJMSReplyTo(), reply);
                    System.out.println("price service: answered " + symbol + " (correlation ID "
                            + request.getJMSCorrelationID() + ")");
                } catch (JMSException e) {
                    serviceErrors.add(e);
                }
            });
            serviceConnection.start();

            // The requester: sends every request first, then matches the replies as they come.
            Session requester = requesterConnection.createSession(Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue replyQueue = requester.createTemporaryQueue();
            MessageConsumer replies = requester.createConsumer(replyQueue);
            MessageProducer requests = requester.createProducer(quoteRequests);
            requesterConnection.start();

            Map<String, String> outstanding = new LinkedHashMap<>(); // correlation ID -> symbol
            for (String symbol : ASKED_FOR) {
                String correlationId = "quote-" + (outstanding.size() + 1);
                TextMessage request = requester.createTextMessage(symbol);
                request.setJMSReplyTo(replyQueue);
                request.setJMSCorrelationID(correlationId);
                requests.send(request);
                outstanding.put(correlationId, symbol);
                System.out.println("requester: asked for " + symbol + " (correlation ID " + correlationId
                        + ", reply to " + replyQueue.getQueueName() + ")");
            }

            while (!outstanding.isEmpty()) {
                Message reply = replies.receive(RECEIVE_TIMEOUT_MS);
                if (reply == null) {
                    throw new ExampleFailure("No reply within " + RECEIVE_TIMEOUT_MS + " ms; still waiting for "
                            + outstanding + (serviceErrors.isEmpty() ? "" : "; the service failed: "
                            + serviceErrors.get(0)));
                }
                String correlationId = reply.getJMSCorrelationID();
                String symbol = outstanding.remove(correlationId);
                String answer = reply.getBody(String.class);
                if (symbol == null) {
                    throw new ExampleFailure("Reply '" + answer + "' has correlation ID " + correlationId
                            + ", which matches no outstanding request (" + outstanding + ")");
                }
                String expected = symbol + " " + PRICE_LIST.get(symbol);
                if (!expected.equals(answer)) {
                    throw new ExampleFailure("The reply correlated with " + correlationId + " (" + symbol
                            + ") says '" + answer + "'; expected '" + expected + "'");
                }
                System.out.println("requester: " + correlationId + " answered: " + answer);
            }
            replies.close();
            replyQueue.delete();
        }
        if (!serviceErrors.isEmpty()) {
            throw new ExampleFailure("The price service failed: " + serviceErrors.get(0), serviceErrors.get(0));
        }
        System.out.println("Every request got its own answer, matched by correlation ID");
    }
}
