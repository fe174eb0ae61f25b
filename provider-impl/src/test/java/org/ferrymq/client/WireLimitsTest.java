package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits a broker keeps on what a client sends it, selectors and message properties,
 * seen through the JMS API: past a limit the call fails with the spec's exception naming the
 * limit and the broker setting, and the connection carries on.
 */
class WireLimitsTest {

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker(
            "maxSelectorLength=100&maxSelectorDepth=300&maxProperties=10&maxPropertiesSize=1k");

    @RegisterExtension
    final EmbeddedBroker defaults = new EmbeddedBroker();

    @RegisterExtension
    final EmbeddedBroker deep = new EmbeddedBroker("maxSelectorDepth=300");

    private final Queue queue = new FerryQueue("limited");

    @Test
    void aSelectorLongerThanTheBrokersLimitIsRefusedAndOneAtTheLimitWorks() throws Exception {
        Session session = broker.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        String atLimit = "color = 'red'" + " ".repeat(100 - "color = 'red'".length());
        InvalidSelectorException refused = assertThrows(InvalidSelectorException.class,
                () -> session.createConsumer(queue, atLimit + " "));
        assertTrue(refused.getMessage().contains("the selector has 101 characters, more than the 100 the broker accepts "
                + "(broker setting 'maxSelectorLength')"), refused.getMessage());
        refused = assertThrows(InvalidSelectorException.class,
                () -> session.createBrowser(queue, atLimit + " ").getEnumeration());
        assertTrue(refused.getMessage().contains("maxSelectorLength"), refused.getMessage());

        MessageProducer producer = session.createProducer(queue);
        Message red = session.createMessage();
        red.setStringProperty("color", "red");
        producer.send(red);
        assertNotNull(session.createConsumer(queue, atLimit).receive(5_000));
    }

    @Test
    void theBrokersDepthLimitDecidesNotTheClients() throws Exception {
        Session session = deep.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.createConsumer(queue, "NOT ".repeat(300) + "a = 1").close();
        InvalidSelectorException refused = assertThrows(InvalidSelectorException.class,
                () -> session.createConsumer(queue, "NOT ".repeat(301) + "a = 1"));
        assertTrue(refused.getMessage().contains("nest more than 300 deep here (broker setting 'maxSelectorDepth')"),
                refused.getMessage());

        Session byDefault = defaults.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        byDefault.createConsumer(queue, "(".repeat(100) + "a = 1" + ")".repeat(100)).close();
        refused = assertThrows(InvalidSelectorException.class,
                () -> byDefault.createConsumer(queue, "(".repeat(101) + "a = 1" + ")".repeat(101)));
        assertTrue(refused.getMessage().contains("nest more than 100 deep here (broker setting 'maxSelectorDepth')"),
                refused.getMessage());
    }

    @Test
    void aMessageWithMoreThanMaxPropertiesIsRefusedAndTheNextSendWorks() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(queue);
        Message tooMany = session.createTextMessage("eleven properties");
        for (int i = 0; i < 11; i++) {
            tooMany.setIntProperty("p" + i, i);
        }
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> producer.send(tooMany));
        assertEquals("The message has 11 properties, more than the 10 the broker accepts (broker setting "
                + "'maxProperties'); send fewer, or raise the setting", refused.getMessage());

        Message enough = session.createTextMessage("ten properties");
        for (int i = 0; i < 10; i++) {
            enough.setIntProperty("p" + i, i);
        }
        producer.send(enough);
        Message received = session.createConsumer(queue).receive(5_000);
        assertEquals(9, received.getIntProperty("p9"));
    }

    @Test
    void aMessageWhosePropertiesTakeMoreThanMaxPropertiesSizeIsRefusedAndTheNextSendWorks() throws Exception {
        Session session = broker.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(queue);
        Message large = session.createMessage();
        large.setStringProperty("note", "é".repeat(511)); // 4 + 1022 bytes in UTF-8
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> producer.send(large));
        assertTrue(refused.getMessage().startsWith("The properties of the message take 1026 bytes, more than the 1024"),
                refused.getMessage());
        assertTrue(refused.getMessage().endsWith("(broker setting 'maxPropertiesSize'); send less, or raise the setting"),
                refused.getMessage());

        Message fits = session.createMessage();
        fits.setStringProperty("note", "é".repeat(510));
        producer.send(fits);
        assertEquals(510, session.createConsumer(queue).receive(5_000).getStringProperty("note").length());
    }

    @Test
    void theDefaultsTakeAThousandPropertiesAndRefuseOneMore() throws Exception {
        Session session = defaults.startedConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(queue);
        Message thousand = session.createMessage();
        for (int i = 0; i < 1000; i++) {
            thousand.setLongProperty("property" + i, i);
        }
        producer.send(thousand);
        thousand.setLongProperty("property1000", 1000);
        ResourceAllocationException refused = assertThrows(ResourceAllocationException.class,
                () -> producer.send(thousand));
        assertTrue(refused.getMessage().startsWith("The message has 1001 properties, more than the 1000"),
                refused.getMessage());
        assertEquals(999, session.createConsumer(queue).receive(5_000).getLongProperty("property999"));
    }
}
