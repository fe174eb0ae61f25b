package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.CompletionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JMSContext rules of Jakarta Messaging 3.1, against a real embedded broker. */
class JMSContextTest {

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker();

    private JMSContext context(int sessionMode) {
        return broker.track(broker.factory().createContext(sessionMode));
    }

    // ---- session modes ----

    @Test
    void anUnknownSessionModeIsAJMSRuntimeException() {
        assertThrows(JMSRuntimeException.class, () -> broker.factory().createContext(7));
        assertThrows(JMSRuntimeException.class, () -> broker.factory().createContext(-1));
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertThrows(JMSRuntimeException.class, () -> context.createContext(4));
    }

    @Test
    void theSessionModeAndTransactedFollowTheModeTheContextWasCreatedWith() {
        JMSContext auto = broker.track(broker.factory().createContext());
        assertEquals(JMSContext.AUTO_ACKNOWLEDGE, auto.getSessionMode());
        assertFalse(auto.getTransacted());
        for (int mode : new int[] {JMSContext.CLIENT_ACKNOWLEDGE, JMSContext.DUPS_OK_ACKNOWLEDGE}) {
            JMSContext context = context(mode);
            assertEquals(mode, context.getSessionMode());
            assertFalse(context.getTransacted());
        }
        JMSContext transacted = context(JMSContext.SESSION_TRANSACTED);
        assertEquals(JMSContext.SESSION_TRANSACTED, transacted.getSessionMode());
        assertTrue(transacted.getTransacted());
        JMSContext sibling = broker.track(auto.createContext(JMSContext.SESSION_TRANSACTED));
        assertTrue(sibling.getTransacted());
        assertFalse(auto.getTransacted());
    }

    // ---- closing ----

    @Test
    void aClosedContextRefusesEveryMethodButCloseWithIllegalStateRuntimeException() throws Exception {
        JMSContext context = context(JMSContext.CLIENT_ACKNOWLEDGE);
        context.createProducer().send(context.createQueue("closed-ctx"), "warm up the session");
        context.close();
        context.close(); // closing a closed context is allowed
        List<String> failures = new ArrayList<>();
        for (Method method : JMSContext.class.getMethods()) {
            if (method.getName().equals("close")) {
                continue;
            }
            Object[] args = new Object[method.getParameterCount()];
            Class<?>[] types = method.getParameterTypes();
            for (int i = 0; i < args.length; i++) {
                if (types[i] == boolean.class) {
                    args[i] = false;
                } else if (types[i] == int.class) {
                    args[i] = 1;
                } else if (types[i] == long.class) {
                    args[i] = 1L;
                }
            }
            try {
                method.invoke(context, args);
                failures.add(method.getName() + " returned normally");
            } catch (InvocationTargetException e) {
                if (!(e.getCause() instanceof IllegalStateRuntimeException)) {
                    failures.add(method.getName() + " threw " + e.getCause());
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void theLastContextSharingAConnectionClosesIt() {
        FerryConnectionFactory withClientId = broker.factory("clientID=solo");
        JMSContext first = broker.track(withClientId.createContext());
        JMSContext second = broker.track(first.createContext(JMSContext.AUTO_ACKNOWLEDGE));
        JMSContext third = broker.track(second.createContext(JMSContext.CLIENT_ACKNOWLEDGE));
        Queue queue = first.createQueue("shared");

        first.close();
        second.close();
        // the connection lives on for the third context: its client ID is still taken
        third.createProducer().send(queue, "still connected");
        assertEquals("still connected", third.createConsumer(queue).receiveBody(String.class, 2000));
        assertThrows(InvalidClientIDRuntimeException.class, withClientId::createContext);

        third.close();
        JMSContext again = broker.track(withClientId.createContext());
        assertEquals("solo", again.getClientID());
    }

    @Test
    void closingAContextClosesItsConsumersButNotItsSiblings() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        JMSContext sibling = broker.track(context.createContext(JMSContext.AUTO_ACKNOWLEDGE));
        Queue queue = context.createQueue("siblings");
        JMSConsumer consumer = context.createConsumer(queue);
        context.close();
        assertThrows(IllegalStateRuntimeException.class, () -> consumer.receive(10));
        consumer.close(); // closing a consumer of a closed context is allowed
        sibling.createProducer().send(queue, "for the sibling");
        assertEquals("for the sibling", sibling.createConsumer(queue).receiveBody(String.class, 2000));
    }

    @Test
    void closingAContextRollsBackItsTransaction() {
        JMSContext transacted = context(JMSContext.SESSION_TRANSACTED);
        Queue queue = transacted.createQueue("close-rolls-back");
        transacted.createProducer().send(queue, "never committed");
        transacted.close();
        JMSContext reader = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertNull(reader.createConsumer(queue).receive(300));
    }

    // ---- client ID, metadata, exception listener ----

    @Test
    void theClientIdCanBeSetOnlyBeforeTheContextIsUsed() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertNull(context.getClientID());
        context.setClientID("early");
        assertEquals("early", context.getClientID());
        assertThrows(IllegalStateRuntimeException.class, () -> context.setClientID("again"));

        JMSContext used = context(JMSContext.AUTO_ACKNOWLEDGE);
        used.createProducer().send(used.createQueue("use-it"), "used");
        assertThrows(IllegalStateRuntimeException.class, () -> used.setClientID("late"));

        JMSContext preset = broker.track(broker.factory("clientID=admin").createContext());
        assertEquals("admin", preset.getClientID());
        assertThrows(IllegalStateRuntimeException.class, () -> preset.setClientID("mine"));
    }

    @Test
    void aDuplicateClientIdIsAnInvalidClientIDRuntimeException() {
        context(JMSContext.AUTO_ACKNOWLEDGE).setClientID("twin");
        JMSContext other = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidClientIDRuntimeException.class, () -> other.setClientID("twin"));
    }

    @Test
    void metaDataAndExceptionListenerBelongToTheConnection() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertEquals("FerryMQ", context.getMetaData().getJMSProviderName());
        assertEquals(3, context.getMetaData().getJMSMajorVersion());
        assertNull(context.getExceptionListener());
        jakarta.jms.ExceptionListener listener = e -> { };
        context.setExceptionListener(listener);
        assertSame(listener, context.getExceptionListener());
        JMSContext sibling = broker.track(context.createContext(JMSContext.AUTO_ACKNOWLEDGE));
        assertSame(listener, sibling.getExceptionListener());
    }

    // ---- start, stop, autoStart ----

    @Test
    void creatingAConsumerStartsTheConnectionUnlessAutoStartIsOff() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertTrue(context.getAutoStart());
        Queue queue = context.createQueue("auto-start");
        context.createProducer().send(queue, "one").send(queue, "two");
        JMSConsumer first = context.createConsumer(queue);
        assertEquals("one", first.receiveBody(String.class, 2000));
        first.close(); // hands back what it prefetched

        JMSContext manual = context(JMSContext.AUTO_ACKNOWLEDGE);
        manual.setAutoStart(false);
        assertFalse(manual.getAutoStart());
        JMSConsumer consumer = manual.createConsumer(queue);
        assertNull(consumer.receive(200), "nothing arrives while the connection is not started");
        manual.start();
        assertEquals("two", consumer.receiveBody(String.class, 2000));
    }

    @Test
    void stopHoldsDeliveryUntilStart() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("stop-start");
        JMSConsumer consumer = context.createConsumer(queue);
        context.stop();
        context.createProducer().send(queue, "held");
        assertNull(consumer.receive(200));
        assertNull(consumer.receiveNoWait());
        context.start();
        assertEquals("held", consumer.receiveBody(String.class, 2000));
    }

    @Test
    void aMessageListenerMustNotStopOrCloseItsOwnContext() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("listener-close");
        CompletableFuture<List<Class<?>>> outcome = new CompletableFuture<>();
        context.createConsumer(queue).setMessageListener(m -> {
            List<Class<?>> thrown = new ArrayList<>();
            for (Runnable forbidden : List.<Runnable>of(context::stop, context::close)) {
                try {
                    forbidden.run();
                    thrown.add(Void.class);
                } catch (RuntimeException e) {
                    thrown.add(e.getClass());
                }
            }
            outcome.complete(thrown);
        });
        context.createProducer().send(queue, "go");
        assertEquals(List.of(IllegalStateRuntimeException.class, IllegalStateRuntimeException.class),
                outcome.get(5, TimeUnit.SECONDS));
        // the context survived both attempts
        context.createProducer().send(queue, "still open");
    }

    @Test
    void aCompletionListenerMustNotCloseCommitOrRollBackItsOwnContext() throws Exception {
        JMSContext context = context(JMSContext.SESSION_TRANSACTED);
        Queue queue = context.createQueue("completion-close");
        CompletableFuture<List<Class<?>>> outcome = new CompletableFuture<>();
        context.createProducer().setAsync(new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                List<Class<?>> thrown = new ArrayList<>();
                for (Runnable forbidden : List.<Runnable>of(context::close, context::commit, context::rollback)) {
                    try {
                        forbidden.run();
                        thrown.add(Void.class);
                    } catch (RuntimeException e) {
                        thrown.add(e.getClass());
                    }
                }
                outcome.complete(thrown);
            }

            @Override
            public void onException(Message message, Exception exception) {
                outcome.completeExceptionally(exception);
            }
        }).send(queue, "async");
        assertEquals(Collections.nCopies(3, IllegalStateRuntimeException.class), outcome.get(5, TimeUnit.SECONDS));
        context.commit();
        assertEquals("async", context.createConsumer(queue).receiveBody(String.class, 2000));
    }

    // ---- transactions and acknowledgement ----

    @Test
    void commitAndRollbackNeedATransactedContextAndRecoverAnUntransactedOne() {
        JMSContext auto = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertThrows(IllegalStateRuntimeException.class, auto::commit);
        assertThrows(IllegalStateRuntimeException.class, auto::rollback);
        JMSContext transacted = context(JMSContext.SESSION_TRANSACTED);
        assertThrows(IllegalStateRuntimeException.class, transacted::recover);
    }

    @Test
    void aTransactedContextSendsAndReceivesOnCommitOnly() throws Exception {
        JMSContext transacted = context(JMSContext.SESSION_TRANSACTED);
        JMSContext observer = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = transacted.createQueue("tx");
        transacted.createProducer().send(queue, "a");
        JMSConsumer watching = observer.createConsumer(queue);
        assertNull(watching.receive(200), "uncommitted sends are invisible");
        transacted.rollback();
        transacted.createProducer().send(queue, "b");
        transacted.commit();
        assertEquals("b", watching.receiveBody(String.class, 2000));
        watching.close();

        observer.createProducer().send(queue, "c");
        JMSConsumer consumer = transacted.createConsumer(queue);
        Message first = consumer.receive(2000);
        assertEquals("c", ((TextMessage) first).getText());
        transacted.rollback();
        Message again = consumer.receive(2000);
        assertTrue(again.getJMSRedelivered());
        transacted.commit();
        assertNull(consumer.receive(200));
    }

    @Test
    void acknowledgeAcknowledgesEverythingTheContextConsumed() throws Exception {
        JMSContext client = context(JMSContext.CLIENT_ACKNOWLEDGE);
        Queue queue = client.createQueue("client-ack");
        client.createProducer().send(queue, "1").send(queue, "2").send(queue, "3");
        JMSConsumer consumer = client.createConsumer(queue);
        assertEquals("1", consumer.receiveBody(String.class, 2000));
        assertEquals("2", consumer.receiveBody(String.class, 2000));
        client.recover();
        Map<String, Boolean> redelivered = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            Message message = consumer.receive(2000);
            redelivered.put(message.getBody(String.class), message.getJMSRedelivered());
        }
        assertEquals(Map.of("1", true, "2", true, "3", false), redelivered);
        client.acknowledge();
        client.close();

        JMSContext reader = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertNull(reader.createConsumer(queue).receive(200), "all three were acknowledged");
    }

    @Test
    void acknowledgeOnAClosedContextIsAnIllegalStateRuntimeException() {
        JMSContext client = context(JMSContext.CLIENT_ACKNOWLEDGE);
        client.close();
        assertThrows(IllegalStateRuntimeException.class, client::acknowledge);
    }

    @Test
    void acknowledgeIsHarmlessOutsideClientAcknowledge() {
        JMSContext auto = context(JMSContext.AUTO_ACKNOWLEDGE);
        auto.acknowledge();
        Queue queue = auto.createQueue("ack-noop");
        auto.createProducer().send(queue, "x");
        assertEquals("x", auto.createConsumer(queue).receiveBody(String.class, 2000));
        auto.acknowledge();
    }

    // ---- destinations, consumers, browsers ----

    @Test
    void invalidDestinationsAndSelectorsAreRuntimeExceptions() {
        JMSContext context = broker.track(broker.factory("clientID=inv").createContext());
        Topic topic = context.createTopic("inv-topic");
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createConsumer(null));
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createConsumer(null, "a = 1"));
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createDurableConsumer(null, "d"));
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createSharedConsumer(null, "s"));
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createSharedDurableConsumer(null, "s"));
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createBrowser(null));
        assertThrows(InvalidSelectorRuntimeException.class, () -> context.createConsumer(topic, "price >"));
        assertThrows(InvalidSelectorRuntimeException.class, () -> context.createSharedConsumer(topic, "s", "= 3"));
        assertThrows(InvalidSelectorRuntimeException.class,
                () -> context.createBrowser(context.createQueue("q"), "and or"));
    }

    @Test
    void unsubscribingAnUnknownSubscriptionIsAnInvalidDestinationRuntimeException() {
        JMSContext context = broker.track(broker.factory("clientID=unsub").createContext());
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.unsubscribe("no-such-subscription"));
    }

    @Test
    void aDurableConsumerNeedsAClientId() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Topic topic = context.createTopic("durable-needs-id");
        assertThrows(IllegalStateRuntimeException.class, () -> context.createDurableConsumer(topic, "d1"));
        assertThrows(IllegalStateRuntimeException.class,
                () -> context.createDurableConsumer(topic, "d2", "a = 1", false));
    }

    @Test
    void aDurableConsumerKeepsMessagesUntilUnsubscribed() {
        FerryConnectionFactory withId = broker.factory("clientID=durable");
        JMSContext context = broker.track(withId.createContext());
        Topic topic = context.createTopic("news");
        context.createDurableConsumer(topic, "reader").close();
        context.createProducer().send(topic, "while away");
        JMSConsumer back = context.createDurableConsumer(topic, "reader");
        assertEquals("while away", back.receiveBody(String.class, 2000));
        back.close();
        context.unsubscribe("reader");
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.unsubscribe("reader"));
    }

    @Test
    void sharedConsumersSplitASubscription() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        JMSContext sibling = broker.track(context.createContext(JMSContext.AUTO_ACKNOWLEDGE));
        Topic topic = context.createTopic("shared-topic");
        JMSConsumer a = context.createSharedConsumer(topic, "workers");
        JMSConsumer b = sibling.createSharedConsumer(topic, "workers");
        for (int i = 0; i < 4; i++) {
            context.createProducer().send(topic, "job" + i);
        }
        int received = 0;
        for (JMSConsumer consumer : List.of(a, b)) {
            while (consumer.receive(300) != null) {
                received++;
            }
        }
        assertEquals(4, received, "each message of a shared subscription goes to one of its consumers");
    }

    @Test
    void noLocalKeepsTheContextsOwnTopicMessagesAway() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Topic topic = context.createTopic("no-local");
        JMSConsumer noLocal = context.createConsumer(topic, null, true);
        JMSConsumer all = context.createConsumer(topic, "", false);
        assertNull(all.getMessageSelector());
        context.createProducer().send(topic, "mine");
        assertEquals("mine", all.receiveBody(String.class, 2000));
        assertNull(noLocal.receive(200));
        JMSContext stranger = context(JMSContext.AUTO_ACKNOWLEDGE);
        stranger.createProducer().send(topic, "theirs");
        assertEquals("theirs", noLocal.receiveBody(String.class, 2000));
    }

    @Test
    void aBrowserSeesWithoutConsuming() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("browse");
        context.createProducer().setProperty("n", 1).send(queue, "first");
        context.createProducer().setProperty("n", 2).send(queue, "second");
        QueueBrowser browser = context.createBrowser(queue, "n = 2");
        assertEquals(1, Collections.list(browser.getEnumeration()).size());
        assertEquals(2, Collections.list(context.createBrowser(queue).getEnumeration()).size());
        assertEquals("first", context.createConsumer(queue).receiveBody(String.class, 2000));
    }

    @Test
    void aTemporaryQueueCarriesReplies() {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        TemporaryQueue replies = context.createTemporaryQueue();
        assertNotNull(context.createTemporaryTopic());
        JMSConsumer consumer = context.createConsumer(replies);
        context.createProducer().send(replies, "reply");
        assertEquals("reply", consumer.receiveBody(String.class, 2000));
    }

    @Test
    void messagesMadeByTheContextHaveTheRightTypes() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertInstanceOf(jakarta.jms.BytesMessage.class, context.createBytesMessage());
        assertInstanceOf(jakarta.jms.MapMessage.class, context.createMapMessage());
        assertInstanceOf(jakarta.jms.StreamMessage.class, context.createStreamMessage());
        assertInstanceOf(jakarta.jms.ObjectMessage.class, context.createObjectMessage());
        assertEquals("obj", context.createObjectMessage("obj").getObject());
        assertNull(context.createTextMessage().getText());
        assertEquals("txt", context.createTextMessage("txt").getText());
        assertNotNull(context.createMessage());
    }
}
