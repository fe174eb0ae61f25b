package org.ferrymq.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TckServerTest {

    private static final Path VM_JNDI = Path.of("src/tck/vm/jndi.properties");
    private static final Path TCP_JNDI = Path.of("src/tck/tcp/jndi.properties");

    @Test
    void theTcpRunBindsWhatTheVmRunBindsWithTheServersAddressInTheUrls() throws IOException {
        Properties vm = properties(Files.readString(VM_JNDI));
        Properties tcp = properties(TckServer.jndi(Files.readString(TCP_JNDI), "127.0.0.1:4711"));

        assertEquals(vm.stringPropertyNames(), tcp.stringPropertyNames());
        Map<String, String> differing = new TreeMap<>();
        for (String name : vm.stringPropertyNames()) {
            if (!vm.getProperty(name).equals(tcp.getProperty(name))) {
                differing.put(name, tcp.getProperty(name));
            }
        }
        assertEquals(Map.of(
                "connectionFactory.MyConnectionFactory", "tcp://127.0.0.1:4711?user=j2ee&password=j2ee",
                "connectionFactory.MyQueueConnectionFactory", "tcp://127.0.0.1:4711?user=j2ee&password=j2ee",
                "connectionFactory.MyTopicConnectionFactory", "tcp://127.0.0.1:4711?user=j2ee&password=j2ee",
                "connectionFactory.DURABLE_SUB_CONNECTION_FACTORY",
                "tcp://127.0.0.1:4711?user=j2ee&password=j2ee&clientID=cts"), differing);
    }

    @Test
    void theServerHasTheUsersTheVmUrlConfiguresAndItsJournalInItsDirectory() throws IOException {
        String vmUrl = properties(Files.readString(VM_JNDI)).getProperty("connectionFactory.MyConnectionFactory");
        Properties settings = properties(TckServer.settings(Path.of("/tmp/tck-server"), 4711));

        assertTrue(vmUrl.contains("users=" + settings.getProperty("users")), vmUrl + " vs " + settings);
        // the vm:// run lets connections in without credentials; the server requires them
        assertEquals("true", settings.getProperty("requireCredentials"));
        assertEquals("tcp://127.0.0.1:4711", settings.getProperty("listen"));
        assertEquals(Path.of("/tmp/tck-server/data").toString(), settings.getProperty("dataDirectory"));
    }

    @Test
    void refusesAJndiTemplateWithoutThePlaceForTheServer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TckServer.jndi("connectionFactory.MyConnectionFactory=tcp://localhost:61616\n", "127.0.0.1:1"));

        assertTrue(e.getMessage().contains("@SERVER@"), e.getMessage());
    }

    @Test
    void countsTheClientConnectionsTheServerLogged() {
        String log = "452 [main] INFO org.ferrymq.standalone.FerryServer - FerryMQ started\n"
                + "900 [ferrymq-io-1] DEBUG org.ferrymq.transport.tcp.ServerHandshake - Client /127.0.0.1:40000 "
                + TckServer.CONNECTED + " (heartbeat 5000 ms)\n"
                + "950 [ferrymq-io-2] DEBUG org.ferrymq.transport.tcp.ServerHandshake - Client /127.0.0.1:40002 "
                + TckServer.CONNECTED + " (heartbeat 5000 ms)\n";

        assertEquals(2, TckServer.connections(log));
        assertEquals(0, TckServer.connections("452 [main] INFO org.ferrymq.standalone.FerryServer - FerryMQ started\n"));
    }

    private static Properties properties(String text) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return properties;
    }
}
