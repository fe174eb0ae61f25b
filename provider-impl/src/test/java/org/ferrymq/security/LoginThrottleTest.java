package org.ferrymq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delays of failed logins: doubling per address and user up to the longest, reset by a success. */
class LoginThrottleTest {

    @Test
    void theDelayDoublesPerAddressAndUserUpToFiveSecondsAndASuccessResetsIt() {
        LoginThrottle throttle = new LoginThrottle();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            delays.add(throttle.failed("10.0.0.1", "alice"));
        }
        assertEquals(List.of(500L, 1000L, 2000L, 4000L, 5000L, 5000L), delays);
        assertEquals(500L, throttle.failed("10.0.0.2", "alice"), "another address shares the delay");
        assertEquals(500L, throttle.failed("10.0.0.1", "bob"), "another user shares the delay");
        throttle.succeeded("10.0.0.1", "alice");
        assertEquals(500L, throttle.failed("10.0.0.1", "alice"));
    }

    @Test
    void whileAFailureWaitsItsAddressAndUserAreLockedOutAndNoOtherPair() {
        LoginThrottle throttle = new LoginThrottle();
        assertFalse(throttle.lockedOut("10.0.0.1", "alice"));
        throttle.failed("10.0.0.1", "alice");
        assertTrue(throttle.lockedOut("10.0.0.1", "alice"), "a second guess during the first one's delay is checked");
        assertFalse(throttle.lockedOut("10.0.0.2", "alice"));
        assertFalse(throttle.lockedOut("10.0.0.1", "bob"));
    }

    @Test
    void pastTheTrackedPairsANewOneWaitsTheLongestDelay() {
        LoginThrottle throttle = new LoginThrottle();
        for (int i = 0; i < LoginThrottle.MAX_TRACKED; i++) {
            throttle.failed("10.0.0.1", "user" + i);
        }
        assertEquals(LoginThrottle.MAX_DELAY_MILLIS, throttle.failed("10.0.0.1", "one-more"));
        assertEquals(1000L, throttle.failed("10.0.0.1", "user0"), "a pair already tracked lost its count");
    }
}
