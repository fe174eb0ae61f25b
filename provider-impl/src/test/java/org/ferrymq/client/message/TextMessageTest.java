package org.ferrymq.client.message;

import static org.ferrymq.client.message.ConversionTable.received;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.TextMessage;
import org.ferrymq.protocol.MessageData;
import org.junit.jupiter.api.Test;

/** TextMessage: a String body. */
class TextMessageTest {

    @Test
    void aNewTextMessageIsWritable() throws Exception {
        TextMessage message = new FerryTextMessage();
        assertNull(message.getText());
        message.setText("hello");
        message.setText("hello again");
        assertEquals("hello again", message.getText());
        assertEquals("hi", new FerryTextMessage("hi").getText());
    }

    @Test
    void theTextTravelsWithTheMessage() throws Exception {
        assertEquals("Testing...", received(new FerryTextMessage("Testing...")).getText());
        assertNull(received(new FerryTextMessage()).getText());
        String big = "x".repeat(100_000) + "é€\u0000";
        assertEquals(big, received(new FerryTextMessage(big)).getText());
    }

    @Test
    void aReceivedTextIsReadOnlyUntilClearBody() throws Exception {
        FerryTextMessage received = received(new FerryTextMessage("sent"));
        assertThrows(MessageNotWriteableException.class, () -> received.setText("changed"));
        assertEquals("sent", received.getText());
    }

    @Test
    void clearBodyEmptiesTheTextMakesItWritableAndKeepsProperties() throws Exception {
        FerryTextMessage sent = new FerryTextMessage("sent");
        sent.setStringProperty("COM_SUN_JMS_TESTNAME", "clearBody");
        FerryTextMessage received = received(sent);
        received.clearBody();
        assertNull(received.getText());
        assertEquals("clearBody", received.getStringProperty("COM_SUN_JMS_TESTNAME"));
        received.setText("new data");
        assertEquals("new data", received.getText());
    }

    @Test
    void aSentMessageCanBeChangedAndSentAgainWithoutAffectingTheFirstSend() throws Exception {
        FerryTextMessage message = new FerryTextMessage("first");
        MessageData first = message.snapshot("c");
        message.setText("second");
        MessageData second = message.snapshot("c");
        assertEquals("first", first.body());
        assertEquals("second", second.body());
        assertEquals(MessageData.BodyType.TEXT, first.bodyType());
    }
}
