package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The spec: once closed, a connection, session, producer, consumer or browser answers every
 * method but close() with IllegalStateException. Checked for every method of every interface
 * each object implements, so a method added later cannot slip through.
 */
class ClosedObjectsTest {

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker();

    /** Methods the spec lets a closed object answer: close is a no-op, run is an app-server facility. */
    private static final Set<String> ALLOWED = Set.of("close", "run");

    private static List<String> methodsNotRefusing(Object closed, Class<?>... interfaces) {
        List<String> failures = new ArrayList<>();
        for (Class<?> type : interfaces) {
            for (Method method : type.getMethods()) {
                if (ALLOWED.contains(method.getName()) || method.getDeclaringClass() == Object.class) {
                    continue;
                }
                Object[] args = new Object[method.getParameterCount()];
                Class<?>[] types = method.getParameterTypes();
                for (int i = 0; i < args.length; i++) {
                    args[i] = defaultValue(types[i]);
                }
                try {
                    method.invoke(closed, args);
                    failures.add(type.getSimpleName() + "." + method.getName() + " returned normally");
                } catch (InvocationTargetException e) {
                    if (!(e.getCause() instanceof IllegalStateException)) {
                        failures.add(type.getSimpleName() + "." + method.getName() + " threw " + e.getCause());
                    }
                } catch (IllegalAccessException e) {
                    failures.add(type.getSimpleName() + "." + method.getName() + " not accessible");
                }
            }
        }
        return failures;
    }

    private static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 1;
        }
        if (type == long.class) {
            return 1L;
        }
        return null;
    }

    @Test
    void aClosedConnectionRefusesEverything() throws Exception {
        QueueConnection connection = broker.factory().createQueueConnection();
        connection.close();
        connection.close(); // closing twice is fine
        assertEquals(List.of(), methodsNotRefusing(connection, Connection.class, QueueConnection.class,
                TopicConnection.class));
    }

    @Test
    void aClosedSessionRefusesEverything() throws Exception {
        Connection connection = broker.connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        session.close();
        session.close();
        assertEquals(List.of(), methodsNotRefusing(session, Session.class, QueueSession.class, TopicSession.class));
    }

    @Test
    void closingAConnectionClosesItsSessionsProducersConsumersAndBrowsers() throws Exception {
        Connection connection = broker.connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        var queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        MessageConsumer consumer = session.createConsumer(queue);
        QueueBrowser browser = session.createBrowser(queue);
        connection.close();
        assertEquals(List.of(), methodsNotRefusing(session, Session.class));
        assertEquals(List.of(), methodsNotRefusing(producer, MessageProducer.class, QueueSender.class,
                TopicPublisher.class));
        assertEquals(List.of(), methodsNotRefusing(consumer, MessageConsumer.class, QueueReceiver.class,
                TopicSubscriber.class));
        assertEquals(List.of(), methodsNotRefusing(browser, QueueBrowser.class));
    }

    @Test
    void aClosedProducerConsumerAndBrowserRefuseEverything() throws Exception {
        Connection connection = broker.connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        var queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        MessageConsumer consumer = session.createConsumer(queue);
        QueueBrowser browser = session.createBrowser(queue);
        producer.close();
        consumer.close();
        browser.close();
        assertEquals(List.of(), methodsNotRefusing(producer, MessageProducer.class, QueueSender.class,
                TopicPublisher.class));
        assertEquals(List.of(), methodsNotRefusing(consumer, MessageConsumer.class, QueueReceiver.class,
                TopicSubscriber.class));
        assertEquals(List.of(), methodsNotRefusing(browser, QueueBrowser.class));
    }

    @Test
    void acknowledgingAMessageOfAClosedSessionIsRefused() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        var queue = session.createQueue("ack-closed");
        session.createProducer(queue).send(session.createTextMessage("x"));
        var message = session.createConsumer(queue).receive(1000);
        session.close();
        assertThrows(IllegalStateException.class, message::acknowledge);
    }

    @Test
    void aReceiveBlockedWhenTheConsumerClosesReturnsNull() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue("blocked"));
        Object[] result = new Object[] {"not returned"};
        Thread receiver = new Thread(() -> {
            try {
                result[0] = consumer.receive();
            } catch (Exception e) {
                result[0] = e;
            }
        });
        receiver.start();
        BlockedReceive.await(receiver);
        consumer.close();
        receiver.join(30_000);
        assertTrue(!receiver.isAlive(), "receive() still blocked after close()");
        assertEquals(null, result[0]);
    }

    @Test
    void listenerStoppingItsOwnConnectionIsRefused() throws Exception {
        Connection connection = broker.startedConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        var queue = session.createQueue("self-stop");
        Object[] outcome = new Object[1];
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        session.createConsumer(queue).setMessageListener(m -> {
            try {
                connection.stop();
                outcome[0] = "stopped";
            } catch (Exception e) {
                outcome[0] = e;
            }
            done.countDown();
        });
        session.createProducer(queue).send(session.createTextMessage("x"));
        assertTrue(done.await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, outcome[0]);
    }
}
