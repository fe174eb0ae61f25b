package org.ferrymq.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ferrymq dlq retry}, run through its Java entry point as the script runs it, against
 * a server on a real TCP port: it sends dead letters back, and a wrong call says what is wrong.
 */
class DeadLetterCommandTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int dlq(String stdin, String... args) {
        out.reset();
        err.reset();
        return DeadLetterCommand.run(args, null, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private void assertUsage(String expected, String... args) {
        assertEquals(DeadLetterCommand.USAGE, dlq("", args), printed());
        assertTrue(printed().contains(expected), "expected '" + expected + "' in: " + printed());
        assertTrue(printed().contains("usage: bin/ferrymq dlq retry"), printed());
    }

    @Test
    void aWrongCallSaysWhatIsWrongAndHowToCallIt() {
        assertUsage("usage");
        assertUsage("unknown action 'purge'", "purge", "DLQ");
        assertUsage("--url", "retry", "DLQ");
        assertUsage("unknown option '--urll'", "retry", "--urll", "tcp://localhost:61616", "DLQ");
        assertUsage("option --selector needs a value", "retry", "--url", "tcp://localhost:61616", "DLQ", "--selector");
        assertUsage("option --url is given twice", "retry", "--url", "tcp://a:1", "--url", "tcp://b:1", "DLQ");
        assertUsage("tcp://", "retry", "--url", "vm://ferrymq", "DLQ");
        assertUsage("--password-stdin needs --user", "retry", "--url", "tcp://localhost:61616", "--password-stdin",
                "DLQ");
        assertUsage("name the queue", "retry", "--url", "tcp://localhost:61616");
        assertUsage("one queue", "retry", "--url", "tcp://localhost:61616", "DLQ", "Expiry.orders");
        assertUsage("--password-stdin", "retry", "--url", "tcp://localhost:61616", "--user", "admin", "DLQ");
    }

    @Test
    void retrySendsTheDeadLettersOfAServerBackAndSaysHowMany() throws Exception {
        try (FerryServer server = server()) {
            String url = "tcp://127.0.0.1:" + server.port();
            FerryConnectionFactory factory = new FerryConnectionFactory(url);
            try (Connection c = factory.createConnection("admin", "s3cret")) {
                c.start();
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                for (int i = 0; i < 3; i++) {
                    TextMessage m = s.createTextMessage("order " + i);
                    m.setIntProperty("n", i);
                    s.createProducer(s.createQueue(i < 2 ? "orders" : "invoices")).send(m);
                }
                s.commit();
                for (String queue : new String[] {"orders", "invoices"}) {
                    try (MessageConsumer consumer = s.createConsumer(s.createQueue(queue))) {
                        while (consumer.receive(1000) != null) {
                            // taken, to be rolled back: with maxDeliveryAttempts=1 a dead letter
                        }
                        s.rollback();
                    }
                }

                assertEquals(DeadLetterCommand.FAILED, dlq("wrong\n", "retry", "--url", url, "--user", "admin",
                        "--password-stdin", "DLQ"), printed());
                assertTrue(printed().contains("bin/ferrymq dlq retry DLQ:"), printed());

                assertEquals(DeadLetterCommand.DONE, dlq("s3cret\n", "retry", "--url", url, "--user", "admin",
                        "--password-stdin", "--selector", "JMS_FerryMQ_OriginalDestination = 'orders'", "DLQ"),
                        printed());
                assertTrue(printed().contains("Sent 2 message(s) of 'DLQ' back"), printed());
                assertTrue(!printed().contains("s3cret"), printed());

                try (MessageConsumer orders = s.createConsumer(s.createQueue("orders"))) {
                    for (int i = 0; i < 2; i++) {
                        Message m = orders.receive(5000);
                        assertNotNull(m, "dead letter " + i + " did not come back");
                        assertEquals(i, m.getIntProperty("n"));
                    }
                }
                s.commit();
                try (MessageConsumer dead = s.createConsumer(s.createQueue("DLQ"))) {
                    Message left = dead.receive(5000);
                    assertEquals("order 2", ((TextMessage) left).getText(), "the one the selector left");
                    assertNull(dead.receive(200));
                }
                s.rollback();
            }
        }
    }

    private FerryServer server() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("name", "dlq-command-" + UUID.randomUUID());
        settings.setProperty("listen", "tcp://127.0.0.1:0");
        settings.setProperty("journal", "memory");
        settings.setProperty("maxDeliveryAttempts", "1");
        settings.setProperty("users", "admin:s3cret");
        return FerryServer.start(ServerSettings.from(settings, home));
    }
}
