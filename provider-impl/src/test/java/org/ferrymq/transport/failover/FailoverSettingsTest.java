package org.ferrymq.transport.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.JMSException;
import java.util.Properties;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.client.FerryConnectionFactory;
import org.junit.jupiter.api.Test;

/** The reconnect parameters of a tcp:// URL: their defaults, the backoff they make, and bad values named. */
class FailoverSettingsTest {

    private static FailoverSettings of(String url) {
        return FailoverSettings.from(ConnectionUrl.parse(url).brokerParameters());
    }

    @Test
    void theDefaultsRideOutARestartOfAboutTwoMinutesThenGiveUp() {
        FailoverSettings defaults = of("tcp://localhost:61616");
        assertEquals(30, defaults.reconnectAttempts());
        long total = 0;
        for (int round = 1; round < defaults.reconnectAttempts(); round++) {
            total += defaults.delayAfter(round);
        }
        assertTrue(total > 100_000 && total < 160_000, "waits add up to " + total + " ms");
        assertTrue(defaults.mayTry(30));
        assertFalse(defaults.mayTry(31));
    }

    @Test
    void theDelayDoublesFromReconnectDelayUpToMaxReconnectDelay() {
        FailoverSettings settings = of("tcp://a:1,tcp://b:2?reconnectDelay=100&maxReconnectDelay=1000");
        assertEquals(100, settings.delayAfter(1));
        assertEquals(200, settings.delayAfter(2));
        assertEquals(400, settings.delayAfter(3));
        assertEquals(800, settings.delayAfter(4));
        assertEquals(1000, settings.delayAfter(5));
        assertEquals(1000, settings.delayAfter(500));
    }

    @Test
    void minusOneTriesForEverAndZeroNever() {
        assertTrue(of("tcp://a:1?reconnectAttempts=-1").mayTry(Integer.MAX_VALUE));
        assertFalse(of("tcp://a:1?reconnectAttempts=0").reconnects());
    }

    @Test
    void aBadValueIsRefusedNamingTheParameter() {
        Properties bad = new Properties();
        bad.setProperty(FailoverSettings.RECONNECT_DELAY, "soon");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FailoverSettings.from(bad));
        assertTrue(e.getMessage().contains("reconnectDelay"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> of("tcp://a:1?reconnectAttempts=-2"));
        assertTrue(e.getMessage().contains("reconnectAttempts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> of("tcp://a:1?reconnectDelay=1000&maxReconnectDelay=10"));
        assertTrue(e.getMessage().contains("maxReconnectDelay"), e.getMessage());
    }

    @Test
    void aConnectionFactoryWithABadReconnectParameterFailsItsFirstConnectionNamingIt() {
        FerryConnectionFactory factory = new FerryConnectionFactory("tcp://127.0.0.1:1?maxReconnectDelay=x");
        JMSException e = assertThrows(JMSException.class, factory::createConnection);
        assertTrue(e.getMessage().contains("maxReconnectDelay"), e.getMessage());
    }
}
