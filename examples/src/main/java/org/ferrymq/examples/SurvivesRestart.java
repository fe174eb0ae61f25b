package org.ferrymq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.time.Instant;
import javax.naming.Context;
import javax.naming.InitialContext;

/**
 * A persistent message outlives the JVM that sent it. Each run takes the message the previous
 * run left on a queue, and leaves one for the next: the embedded broker keeps it in its
 * journal, an H2 file in {@code ferrymq-data}, so the second run of the examples finds what
 * the first left even though the first JVM is long gone.
 */
public final class SurvivesRestart {

    private static final long RECEIVE_TIMEOUT_MS = 1_000;

    private SurvivesRestart() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        runAndCount();
    }

    /** Answers the number of the run that left the message found, 0 when none was found. */
    static int runAndCount() throws Exception {
        Context jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Queue ledger = (Queue) jndi.lookup("ledger");
        jndi.close();
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(ledger);
            Message previous = consumer.receive(RECEIVE_TIMEOUT_MS);
            int previousRun = 0;
            if (previous == null) {
                System.out.println("no message from an earlier run: this is the first run on this journal");
            } else {
                previousRun = previous.getIntProperty("run");
                System.out.println("found the message run " + previousRun + " left at "
                        + Instant.ofEpochMilli(previous.getJMSTimestamp()) + ": '" + previous.getBody(String.class) + "'");
                if (consumer.receiveNoWait() != null) {
                    throw new ExampleFailure("more than one message on '" + ledger.getQueueName()
                            + "': an earlier run's message was not consumed");
                }
            }
            int thisRun = previousRun + 1;
            MessageProducer producer = session.createProducer(ledger);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Message next = session.createTextMessage("left by run " + thisRun);
            next.setIntProperty("run", thisRun);
            producer.send(next);
            session.commit(); // takes the old message and leaves the new one in one step
            System.out.println("run " + thisRun + " left a persistent message for the next run; "
                    + "run the examples again to see it come back");
            return previousRun;
        } catch (JMSException e) {
            throw new ExampleFailure("the ledger queue could not be read or written: " + e.getMessage(), e);
        }
    }
}
