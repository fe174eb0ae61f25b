package org.ferrymq.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/** Proof that a connection works: a message sent on a session of its own comes back. */
public final class RoundTrip {

    private RoundTrip() {
    }

    /** Sends {@code text} to {@code queue} and receives it, on a session closed afterwards; the connection is started. */
    public static void check(Connection connection, Queue queue, String text) throws Exception {
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try {
            session.createProducer(queue).send(session.createTextMessage(text));
            Message received = session.createConsumer(queue).receive(30_000);
            assertNotNull(received, "'" + text + "' did not come back within 30 s");
            assertEquals(text, ((TextMessage) received).getText());
        } finally {
            session.close();
        }
    }
}
