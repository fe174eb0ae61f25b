package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's URL parameters are checked when the factory is made, with errors that name the setting. */
class ConnectionUrlTest {

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "10001", "2147483647", "many"})
    void aPrefetchOutsideOneToTenThousandIsRefusedNamingTheSettingAndTheRange(String prefetch) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new FerryConnectionFactory("vm://prefetch-check?prefetch=" + prefetch));
        assertTrue(refused.getMessage().contains("'prefetch'") && refused.getMessage().contains("1 to 10000"),
                refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000, 10_000})
    void aPrefetchInRangeIsTaken(int prefetch) {
        assertEquals(prefetch, ConnectionUrl.parse("vm://prefetch-check?prefetch=" + prefetch).prefetch());
    }
}
