package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.journal.MemoryJournal;
import org.ferrymq.protocol.ClientChannel;
import org.ferrymq.protocol.Command;
import org.ferrymq.protocol.ConsumerInfo;
import org.ferrymq.protocol.Delivery;
import org.ferrymq.protocol.DestinationName;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.transport.invm.InVmTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker keeps a consumer's limits itself, whatever its client asks for: a client
 * speaking raw commands (as a remote one will) cannot open a larger prefetch window, nor
 * hold more than maxUnacknowledged messages by granting itself credit.
 */
class ConsumerLimitsTest {

    private static final String NAME = "consumer-limits-test";
    private static final DestinationName QUEUE = DestinationName.queue("limited");

    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private InVmTransport raw;

    @BeforeEach
    void startBrokerAndRawClient() throws Exception {
        raw = new InVmTransport(EmbeddedBroker.start(new BrokerConfig(NAME).journal(new MemoryJournal())
                .maxUnacknowledged(10)));
        raw.setClientChannel(new ClientChannel() {
            @Override
            public void deliver(Delivery delivery) {
                deliveries.add(delivery);
            }

            @Override
            public void connectionFailed(JMSException cause) {
            }
        });
        raw.request(new Command.OpenConnection("raw", null, null, null));
        raw.request(new Command.CreateSession(1, false));
    }

    @AfterEach
    void stopBroker() {
        EmbeddedBroker.stop(NAME);
    }

    @Test
    void aConsumerAskingForAPrefetchAboveTheMaximumIsRefused() {
        JMSException refused = assertThrows(JMSException.class, () -> raw.request(new Command.CreateConsumer(
                new ConsumerInfo(1, 1, QUEUE, null, false, null, false, false, ConsumerInfo.MAX_PREFETCH + 1))));
        assertTrue(refused.getMessage().contains("prefetch"), refused.getMessage());
    }

    @Test
    void aConsumerWithAHundredThousandLevelSelectorIsRefusedByTheBrokersLengthLimit() {
        String selector = "(".repeat(100_000) + "a = 1" + ")".repeat(100_000);
        InvalidSelectorException refused = assertThrows(InvalidSelectorException.class, () -> raw.request(
                new Command.CreateConsumer(new ConsumerInfo(1, 1, QUEUE, selector, false, null, false, false, 10))));
        assertTrue(refused.getMessage().contains("the selector has 200005 characters, more than the 65536 the broker "
                + "accepts (broker setting 'maxSelectorLength')"), refused.getMessage());
    }

    @Test
    void aClientGrantingItselfCreditStillHoldsAtMostMaxUnacknowledgedMessages() throws Exception {
        send(50);
        raw.request(new Command.CreateConsumer(new ConsumerInfo(1, 1, QUEUE, null, false, null, false, false, 100)));
        for (int i = 0; i < 5; i++) {
            raw.request(new Command.Credit(1, 100)); // five windows' worth, never paid back
        }
        await(() -> deliveries.size() >= 10, "the first ten deliveries");
        raw.request(new Command.Pull(1)); // dispatches whatever the broker would give, before answering
        assertEquals(10, deliveries.size(), "deliveries to a consumer that acknowledged nothing");

        raw.request(new Command.Acknowledge(1, deliveries.stream().limit(4).mapToLong(Delivery::deliveryId).toArray()));
        await(() -> deliveries.size() >= 14, "four more after four acknowledgements");
        raw.request(new Command.Pull(1));
        assertEquals(14, deliveries.size(), "deliveries after acknowledging four");
    }

    private static void send(int count) throws Exception {
        try (Connection connection = new FerryConnectionFactory("vm://" + NAME).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(QUEUE.name()));
            producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "no " + what + " within 30 s");
            Thread.sleep(10);
        }
    }
}
