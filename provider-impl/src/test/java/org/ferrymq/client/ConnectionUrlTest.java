package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
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

    @ParameterizedTest
    @ValueSource(strings = {"0", "1023", "-1", "2147483648", "1m", ""})
    void aLargeMessageThresholdOutsideItsRangeIsRefusedNamingTheSettingAndTheRange(String threshold) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new FerryConnectionFactory("vm://large-check?largeMessageThreshold=" + threshold));
        assertTrue(refused.getMessage().contains("'largeMessageThreshold'")
                && refused.getMessage().contains("1024 to 2147483647"), refused.getMessage());
    }

    @Test
    void aLargeMessageThresholdIsTakenOrDefaultsToOneMebibyte() {
        assertEquals(4096, ConnectionUrl.parse("vm://large-check?largeMessageThreshold=4096").largeMessageThreshold());
        assertEquals(1024 * 1024, ConnectionUrl.parse("vm://large-check").largeMessageThreshold());
    }

    @Test
    void duplicateDetectionIsTrueOrFalseAndOffUnlessSet() {
        assertFalse(ConnectionUrl.parse("vm://dups-check").duplicateDetection());
        assertTrue(ConnectionUrl.parse("vm://dups-check?duplicateDetection=true").duplicateDetection());
        assertTrue(ConnectionUrl.parse("vm://dups-check?duplicateDetection=TRUE").duplicateDetection());
        assertFalse(ConnectionUrl.parse("vm://dups-check?duplicateDetection=false").duplicateDetection());
        assertFalse(ConnectionUrl.parse("vm://dups-check?duplicateDetection=true").brokerParameters()
                .containsKey("duplicateDetection"), "a client setting, not the broker's");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new FerryConnectionFactory("vm://dups-check?duplicateDetection=yes"));
        assertTrue(refused.getMessage().contains("'duplicateDetection'")
                && refused.getMessage().contains("true or false"), refused.getMessage());
    }

    @Test
    void anySchemeParsesHereAndTheTransportFactoryDecidesWhetherItIsKnown() {
        ConnectionUrl url = ConnectionUrl.parse("tcp://broker.example.com:61616?user=alice&prefetch=5");
        assertEquals("tcp", url.scheme());
        assertEquals("broker.example.com:61616", url.name());
        assertEquals("alice", url.user());
        assertEquals(5, url.prefetch());
    }

    @Test
    void aListOfServersSplitsIntoOneUrlPerServerWithTheSameParameters() {
        ConnectionUrl listed = ConnectionUrl.parse("tcp://a:61616,tcp://b:61617,c:61618?user=alice&password=secret");
        List<String> servers = listed.servers().stream().map(ConnectionUrl::url).toList();
        assertEquals(List.of("tcp://a:61616?user=alice&password=secret", "tcp://b:61617?user=alice&password=secret",
                "tcp://c:61618?user=alice&password=secret"), servers);
        assertEquals("alice", listed.servers().get(1).user());
        assertTrue(listed.toString().contains("password=***"), listed.toString());

        ConnectionUrl single = ConnectionUrl.parse("tcp://a:61616");
        assertEquals(List.of(single), single.servers());
        ConnectionUrl embedded = ConnectionUrl.parse("vm://one,two");
        assertEquals(List.of(embedded), embedded.servers(), "a vm:// name is one broker's, commas and all");
    }

    @Test
    void anEmptyEntryInAListOfServersIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ConnectionUrl.parse("tcp://a:61616,,b:61616?password=secret").servers());
        assertTrue(refused.getMessage().contains("empty entry") && !refused.getMessage().contains("secret"),
                refused.getMessage());
    }
}
