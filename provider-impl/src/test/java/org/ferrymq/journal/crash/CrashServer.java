package org.ferrymq.journal.crash;

import java.util.Properties;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.transport.tcp.TcpAcceptor;
import org.ferrymq.transport.tcp.TcpSettings;

/**
 * The broker JVM of {@link TcpCrashRecoveryIT}: an embedded broker with a TCP acceptor on
 * 127.0.0.1, as the standalone server runs it, killed with {@code kill -9} and started again on
 * the same port and journal. (The server module's FerryServer cannot be used here: the server
 * module depends on this one.)
 *
 * <p>Arguments: port, heartbeat in milliseconds, then broker settings as {@code key=value}
 * (the keys of BrokerConfig: journalUrl, maxDeliveryAttempts, ...). It prints {@code LISTENING port}
 * once clients can connect, that is once the journal is recovered.
 */
public final class CrashServer {

    static final String BROKER = "crash";

    private CrashServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int heartbeat = Integer.parseInt(args[1]);
        Properties settings = new Properties();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.setProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EmbeddedBroker broker = EmbeddedBroker.start(BROKER, settings);
        TcpAcceptor acceptor = TcpAcceptor.start(broker, "127.0.0.1", port,
                TcpSettings.DEFAULTS.withHeartbeatMillis(heartbeat));
        System.out.println("LISTENING " + acceptor.port());
        System.out.flush();
        broker.stopped().join(); // until killed
    }
}
