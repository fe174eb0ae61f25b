package org.ferrymq.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.protocol.XidData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What becomes of a message when the container refuses or fails its delivery to a
 * message-driven bean, over a real embedded broker: it comes again, flagged as redelivered,
 * unless a transaction that took it committed. The container is {@link StandInContainer}, a
 * test stand-in that refuses exactly where the JCA 2.1 message inflow contract lets a
 * container refuse, and plays the transaction manager of a transacted delivery.
 */
class InboundActivationTest {

    private static FerryResourceAdapter adapter;
    private static Connection sender;

    private String queue;
    private StandInContainer container;
    private FerryActivationSpec spec;

    @BeforeAll
    static void startAdapter() throws JMSException, ResourceException {
        adapter = new FerryResourceAdapter();
        adapter.setBrokerName("ra-inbound-test");
        adapter.setBrokerProperties("journal=memory");
        adapter.start(null);
        sender = new FerryConnectionFactory(adapter.connectionUrl()).createConnection(); // the adapter's broker
    }

    @AfterAll
    static void stopAdapter() throws JMSException {
        sender.close();
        adapter.stop();
    }

    @BeforeEach
    void newQueue() {
        queue = "orders-" + UUID.randomUUID();
    }

    @AfterEach
    void deactivate() {
        if (container != null) {
            adapter.endpointDeactivation(container, spec);
        }
    }

    @ParameterizedTest(name = "transacted delivery: {0}")
    @ValueSource(booleans = {true, false})
    void aMessageWhoseBeforeDeliveryTheContainerRefusesComesAgain(boolean transacted) throws Exception {
        activate(transacted, StandInContainer.Attempt.REFUSE_IN_BEFORE_DELIVERY);

        send("order 1");

        container.awaitCompleted(1);
        assertEquals(List.of(new Seen("order 1", true)), container.completed);
        assertEquals(List.of(new Seen("order 1", true)), container.seen, "the bean saw a refused delivery");
    }

    @ParameterizedTest(name = "transacted delivery: {0}")
    @ValueSource(booleans = {true, false})
    void aMessageForAnEndpointTheContainerReportsUnavailableComesAgain(boolean transacted) throws Exception {
        activate(transacted, StandInContainer.Attempt.UNAVAILABLE);

        send("order 1");

        container.awaitCompleted(1);
        assertEquals(List.of(new Seen("order 1", true)), container.completed);
    }

    @Test
    void aMessageWhoseTransactionRolledBackComesAgainWhenAfterDeliveryReportsIt() throws Exception {
        activate(true, StandInContainer.Attempt.ROLL_BACK_THEN_FAIL_AFTER_DELIVERY);

        send("order 1");

        container.awaitCompleted(1);
        assertEquals(List.of(new Seen("order 1", true)), container.completed);
        assertEquals(List.of(new Seen("order 1", false), new Seen("order 1", true)), container.seen);
    }

    @Test
    void aMessageWhoseTransactionCommittedDoesNotComeAgainThoughAfterDeliveryFailed() throws Exception {
        activate(true, StandInContainer.Attempt.COMMIT_THEN_FAIL_AFTER_DELIVERY);

        send("order 1");
        container.awaitSeen(1);
        send("order 2"); // queued behind order 1: had order 1 come back, the bean would see it first

        container.awaitCompleted(1);
        assertEquals(List.of(new Seen("order 1", false), new Seen("order 2", false)), container.seen);
    }

    @Test
    void aMessageWhoseNonTransactedAfterDeliveryFailsComesAgain() throws Exception {
        activate(false, StandInContainer.Attempt.FAIL_AFTER_DELIVERY);

        send("order 1");

        container.awaitCompleted(1);
        assertEquals(List.of(new Seen("order 1", true)), container.completed);
        assertEquals(List.of(new Seen("order 1", false), new Seen("order 1", true)), container.seen);
    }

    /** Activates a stand-in bean on {@link #queue}, one session, whose first delivery attempt goes as {@code first}. */
    private void activate(boolean transacted, StandInContainer.Attempt first) throws ResourceException {
        container = new StandInContainer(transacted);
        container.script.add(first);
        spec = new FerryActivationSpec();
        spec.setDestination(queue);
        spec.setDestinationType(FerryActivationSpec.QUEUE);
        spec.setMaxSession(1); // one session: deliveries in order
        adapter.endpointActivation(container, spec);
    }

    private void send(String text) throws JMSException {
        try (Session session = sender.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            session.createProducer(session.createQueue(queue)).send(session.createTextMessage(text));
        }
    }

    /** A message as the bean's onMessage saw it. */
    record Seen(String text, boolean redelivered) {
    }

    /**
     * Stands in for an application server's message-driven bean container, doing only what the
     * JCA 2.1 message inflow contract (chapter 13) lets a container do. For a transacted
     * delivery it is the transaction manager too: {@code beforeDelivery} starts a branch of a
     * new Xid on the XAResource the adapter passed to {@code createEndpoint}, and
     * {@code afterDelivery} ends it and commits it in one phase. Each delivery attempt follows
     * the next step of {@link #script}; an attempt with none left succeeds.
     */
    private static final class StandInContainer implements MessageEndpointFactory {

        enum Attempt {
            /** {@code createEndpoint} throws UnavailableException, as for a bean being undeployed. */
            UNAVAILABLE,
            /** {@code beforeDelivery} throws, as when the container cannot begin the transaction. */
            REFUSE_IN_BEFORE_DELIVERY,
            /** Transacted: {@code afterDelivery} rolls the branch back (the bean was marked rollback-only) and throws. */
            ROLL_BACK_THEN_FAIL_AFTER_DELIVERY,
            /** Transacted: {@code afterDelivery} commits the branch, then throws (a failure after completion). */
            COMMIT_THEN_FAIL_AFTER_DELIVERY,
            /** Non-transacted: {@code afterDelivery} throws. */
            FAIL_AFTER_DELIVERY
        }

        final boolean transacted;
        final Deque<Attempt> script = new ArrayDeque<>();
        /** Every message the bean's onMessage received, in order. */
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        /** The messages whose delivery succeeded: committed, or, non-transacted, afterDelivery returned. */
        final List<Seen> completed = new CopyOnWriteArrayList<>();

        StandInContainer(boolean transacted) {
            this.transacted = transacted;
        }

        private synchronized Attempt nextAttempt() {
            return script.poll();
        }

        @Override
        public MessageEndpoint createEndpoint(XAResource xaResource) throws UnavailableException {
            return createEndpoint(xaResource, 0);
        }

        @Override
        public MessageEndpoint createEndpoint(XAResource xaResource, long timeout) throws UnavailableException {
            Attempt attempt = nextAttempt();
            if (attempt == Attempt.UNAVAILABLE) {
                throw new UnavailableException("the bean is being undeployed");
            }
            if (transacted != (xaResource != null)) {
                throw new AssertionError("the adapter passed " + xaResource + " for a delivery with transacted = "
                        + transacted);
            }
            return new Bean(xaResource, attempt);
        }

        @Override
        public boolean isDeliveryTransacted(Method method) {
            return transacted;
        }

        @Override
        public String getActivationName() {
            return "StandInBean";
        }

        @Override
        public Class<?> getEndpointClass() {
            return Bean.class;
        }

        void awaitSeen(int count) throws InterruptedException {
            await(() -> seen.size() >= count, "the bean to see " + count + " message(s)");
        }

        void awaitCompleted(int count) throws InterruptedException {
            await(() -> completed.size() >= count, count + " delivery(ies) to complete");
        }

        private void await(BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    fail("Waited 30 s for " + what + "; the bean saw " + seen + ", completed " + completed);
                }
                Thread.sleep(10);
            }
        }

        /** The endpoint: the bean's proxy, as the container hands it to the adapter. */
        private final class Bean implements MessageEndpoint, MessageListener {

            private final XAResource xaResource;
            private final Attempt attempt;
            private Xid xid;
            private Seen current;

            Bean(XAResource xaResource, Attempt attempt) {
                this.xaResource = xaResource;
                this.attempt = attempt;
            }

            @Override
            public void beforeDelivery(Method method) throws ResourceException {
                if (attempt == Attempt.REFUSE_IN_BEFORE_DELIVERY) {
                    throw new ResourceException("the container could not begin a transaction for the delivery");
                }
                if (xaResource != null) {
                    xid = new XidData(0x53544e44, UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII),
                            new byte[] {1});
                    try {
                        xaResource.start(xid, XAResource.TMNOFLAGS);
                    } catch (XAException e) {
                        throw new ResourceException("start failed, XA error code " + e.errorCode, e);
                    }
                }
            }

            @Override
            public void onMessage(Message message) {
                try {
                    current = new Seen(((TextMessage) message).getText(), message.getJMSRedelivered());
                } catch (JMSException e) {
                    throw new AssertionError(e);
                }
                seen.add(current);
            }

            @Override
            public void afterDelivery() throws ResourceException {
                if (xaResource != null) {
                    try {
                        xaResource.end(xid, XAResource.TMSUCCESS);
                        if (attempt == Attempt.ROLL_BACK_THEN_FAIL_AFTER_DELIVERY) {
                            xaResource.rollback(xid);
                            throw new ResourceException("the transaction was rolled back");
                        }
                        xaResource.commit(xid, true);
                    } catch (XAException e) {
                        throw new ResourceException("completing the transaction failed, XA error code " + e.errorCode, e);
                    }
                    if (attempt == Attempt.COMMIT_THEN_FAIL_AFTER_DELIVERY) {
                        throw new ResourceException("the transaction committed, then the container failed");
                    }
                } else if (attempt == Attempt.FAIL_AFTER_DELIVERY) {
                    throw new ResourceException("the container failed after the bean returned");
                }
                completed.add(current);
            }

            @Override
            public void release() {
            }
        }
    }
}
