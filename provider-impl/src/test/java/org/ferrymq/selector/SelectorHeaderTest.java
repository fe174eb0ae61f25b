package org.ferrymq.selector;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import java.util.HashMap;
import java.util.Map;
import org.ferrymq.protocol.MessageData;
import org.ferrymq.protocol.MessageData.BodyType;
import org.junit.jupiter.api.Test;

/** Matching a {@link MessageData}: the six selectable headers, and properties for every other name. */
class SelectorHeaderTest {

    private static MessageData.Builder message() {
        return MessageData.builder(BodyType.TEXT).body("hello");
    }

    private static MessageData withProperties(Object... namesAndValues) {
        Map<String, Object> properties = new HashMap<>(SelectorTesting.values(namesAndValues));
        return message().properties(properties).build();
    }

    private static boolean matches(String selector, MessageData message) throws InvalidSelectorException {
        return Selector.parse(selector).matches(message);
    }

    @Test
    void deliveryModeIsPersistentOrNonPersistent() throws Exception {
        MessageData persistent = message().deliveryMode(DeliveryMode.PERSISTENT).build();
        MessageData nonPersistent = message().deliveryMode(DeliveryMode.NON_PERSISTENT).build();
        assertTrue(matches("JMSDeliveryMode = 'PERSISTENT'", persistent));
        assertFalse(matches("JMSDeliveryMode = 'PERSISTENT'", nonPersistent));
        assertTrue(matches("JMSDeliveryMode = 'NON_PERSISTENT'", nonPersistent));
        assertFalse(matches("JMSDeliveryMode = 2", persistent));
    }

    @Test
    void priorityIsANumber() throws Exception {
        MessageData urgent = message().priority(9).build();
        assertTrue(matches("JMSPriority > 4", urgent));
        assertTrue(matches("JMSPriority BETWEEN 7 AND 9", urgent));
        assertFalse(matches("JMSPriority < 5", urgent));
        assertTrue(matches("JMSPriority = 4", message().build()));
    }

    @Test
    void messageIdIsAStringOrNull() throws Exception {
        assertTrue(matches("JMSMessageID = 'ID:42'", message().messageId("ID:42").build()));
        assertTrue(matches("JMSMessageID LIKE 'ID:%'", message().messageId("ID:42").build()));
        assertTrue(matches("JMSMessageID IS NULL", message().build()));
        assertFalse(matches("JMSMessageID = 'ID:42'", message().build()));
    }

    @Test
    void timestampIsALongNumber() throws Exception {
        MessageData stamped = message().timestamp(1_700_000_000_000L).build();
        assertTrue(matches("JMSTimestamp = 1700000000000", stamped));
        assertTrue(matches("JMSTimestamp > 1600000000000 AND JMSTimestamp < 1800000000000", stamped));
    }

    @Test
    void correlationIdAndTypeAreStringsOrNull() throws Exception {
        MessageData message = message().correlationId("order-7", false).type("car").build();
        assertTrue(matches("JMSCorrelationID = 'order-7' AND JMSType = 'car'", message));
        assertTrue(matches("JMSType IN ('car', 'bike')", message));
        assertTrue(matches("JMSCorrelationID IS NULL AND JMSType IS NULL", message().build()));
        assertFalse(matches("JMSType NOT IN ('car')", message().build()));
    }

    @Test
    void headerNamesAreCaseSensitive() throws Exception {
        MessageData message = message().priority(9).build();
        assertTrue(matches("jmspriority IS NULL", message));
        assertTrue(matches("jmspriority = 9", withProperties("jmspriority", 9)));
    }

    @Test
    void otherJmsNamesAreLookedUpAsProperties() throws Exception {
        MessageData message = message().expiration(5).destination(null)
                .properties(new HashMap<>(Map.of("JMSXGroupID", "g1", "JMS_vendor", 3))).build();
        assertTrue(matches("JMSXGroupID = 'g1' AND JMS_vendor = 3", message));
        assertTrue(matches("JMSExpiration IS NULL AND JMSDestination IS NULL AND JMSRedelivered IS NULL", message));
    }

    @Test
    void propertiesKeepTheTypeTheyWereSetWith() throws Exception {
        MessageData message = withProperties("color", "blue", "weight", 3000L, "count", 2,
                "ratio", 0.5f, "urgent", true, "code", (byte) 7, "size", (short) 12);
        assertTrue(matches("color = 'blue' AND weight > 2500 AND count = 2 AND ratio < 1", message));
        assertTrue(matches("urgent AND code + size = 19", message));
        assertTrue(matches("absent IS NULL", message));
    }

    @Test
    void identifierFunctionSuppliesHeadersToo() throws Exception {
        Selector selector = Selector.parse("JMSPriority > 4 AND color = 'blue'");
        assertTrue(selector.matches(SelectorTesting.values("JMSPriority", 7, "color", "blue")::get));
        assertFalse(selector.matches(SelectorTesting.values("JMSPriority", 4, "color", "blue")::get));
    }

    @Test
    void matchingNeverThrows() throws Exception {
        Selector selector = Selector.parse("a = 1");
        assertFalse(selector.matches((MessageData) null));
        assertFalse(selector.matches((java.util.function.Function<String, Object>) null));
        assertFalse(selector.matches(name -> {
            throw new IllegalStateException("lookup failed");
        }));
    }

    @Test
    void oneSelectorServesManyThreadsAtOnce() throws Exception {
        Selector selector = Selector.parse("n BETWEEN 10 AND 20 AND s LIKE 'x%' AND t IN ('a', 'b')");
        MessageData yes = withProperties("n", 15, "s", "xyz", "t", "a");
        MessageData no = withProperties("n", 25, "s", "xyz", "t", "a");
        Thread[] threads = new Thread[4];
        boolean[] failed = new boolean[threads.length];
        for (int i = 0; i < threads.length; i++) {
            int index = i;
            threads[i] = new Thread(() -> {
                for (int round = 0; round < 20_000; round++) {
                    if (!selector.matches(yes) || selector.matches(no)) {
                        failed[index] = true;
                    }
                }
            });
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (boolean f : failed) {
            assertFalse(f);
        }
    }
}
