package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.JMSException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that reconnects before the broker noticed its old connection was gone gets its
 * client ID, and its durable subscription, back: the new connection with the same connection
 * id takes them over. Anyone else asking for a client ID in use is still refused.
 */
class ClientIdTakeoverTest {

    @TempDir
    Path data;

    private EmbeddedBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.stop();
        }
    }

    /** What the broker tells one connection. */
    static final class Channel implements ClientChannel {
        final AtomicReference<JMSException> failed = new AtomicReference<>();

        @Override
        public void deliver(Delivery delivery) {
        }

        @Override
        public void connectionFailed(JMSException cause) {
            failed.set(cause);
        }
    }

    private BrokerConnection open(Channel channel, String connectionId, String clientId) throws JMSException {
        BrokerConnection connection = broker.connect(channel);
        connection.handle(new Command.OpenConnection(connectionId, null, null, clientId));
        return connection;
    }

    private static Command.CreateConsumer durable(long sessionId) {
        return new Command.CreateConsumer(new ConsumerInfo(1, sessionId, DestinationName.topic("news"), null, false,
                "reader", true, false, 10));
    }

    @Test
    void theSameClientConnectionReconnectingTakesOverItsClientIdAndDurableSubscription() throws Exception {
        broker = EmbeddedBroker.start(new BrokerConfig("takeover-" + UUID.randomUUID()).dataDirectory(data));
        String connectionId = UUID.randomUUID().toString();
        Channel oldChannel = new Channel();
        BrokerConnection old = open(oldChannel, connectionId, "desk-7");
        old.handle(new Command.CreateSession(1, false));
        old.handle(durable(1));

        assertThrows(InvalidClientIDException.class, () -> open(new Channel(), UUID.randomUUID().toString(), "desk-7"));

        BrokerConnection reconnected = open(new Channel(), connectionId, "desk-7");
        reconnected.handle(new Command.CreateSession(1, false));
        reconnected.handle(durable(1)); // the old connection's subscriber is gone with it
        assertNotNull(oldChannel.failed.get(), "the replaced connection was not told");
        assertThrows(IllegalStateException.class, () -> old.handle(new Command.CreateSession(2, false)));
        assertEquals("desk-7", reconnected.clientId());
    }

    @Test
    void theOldConnectionClosingWhileItIsTakenOverNeverFreesTheClientIdTheNewOneHolds() throws Exception {
        broker = EmbeddedBroker.start(new BrokerConfig("takeover-race-" + UUID.randomUUID()).dataDirectory(data));
        for (int round = 0; round < 300; round++) {
            String clientId = "desk-" + round;
            String connectionId = UUID.randomUUID().toString();
            BrokerConnection old = open(new Channel(), connectionId, clientId);
            for (long s = 1; s <= 20; s++) { // sessions make the old connection's close take a while
                old.handle(new Command.CreateSession(s, false));
            }
            // the old socket's end is noticed (its close) just as the client reconnects (the takeover)
            CountDownLatch go = new CountDownLatch(1);
            Thread noticing = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                old.close();
            });
            noticing.start();
            go.countDown();
            BrokerConnection reconnected = open(new Channel(), connectionId, clientId);
            noticing.join();
            assertEquals(clientId, reconnected.clientId());
            String taken = clientId;
            assertThrows(InvalidClientIDException.class,
                    () -> open(new Channel(), UUID.randomUUID().toString(), taken),
                    "round " + round + ": another client got the client ID the reconnected connection holds");
            reconnected.close();
        }
    }
}
