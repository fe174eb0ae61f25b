package org.ferrymq.jndi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnectionFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.Reference;
import javax.naming.StringRefAddr;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryQueue;
import org.ferrymq.server.EmbeddedBroker;
import org.junit.jupiter.api.Test;

class FerryInitialContextFactoryTest {

    private static InitialContext context(String... keyValues) throws Exception {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, FerryInitialContextFactory.class.getName());
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return new InitialContext(env);
    }

    @Test
    void bindsFactoriesQueuesAndTopicsFromProperties() throws Exception {
        InitialContext jndi = context(
                "connectionFactory.Orders", "vm://jndi-test?clientID=orders-app",
                "queue.incoming", "orders.in",
                "topic.events", "orders.events");
        Object factory = jndi.lookup("Orders");
        assertInstanceOf(ConnectionFactory.class, factory);
        assertInstanceOf(QueueConnectionFactory.class, factory);
        assertInstanceOf(TopicConnectionFactory.class, factory);
        assertEquals("orders.in", ((Queue) jndi.lookup("incoming")).getQueueName());
        assertEquals("orders.events", ((Topic) jndi.lookup("events")).getTopicName());
        try (Connection connection = ((ConnectionFactory) factory).createConnection()) {
            assertEquals("orders-app", connection.getClientID());
        } finally {
            EmbeddedBroker.stop("jndi-test");
        }
    }

    @Test
    void bindsConnectionFactoryWhenNoneIsNamed() throws Exception {
        Object factory = context(Context.PROVIDER_URL, "vm://jndi-default").lookup("ConnectionFactory");
        assertEquals("vm://jndi-default", ((FerryConnectionFactory) factory).getUrl());
    }

    @Test
    void anUnboundNameSaysHowToBindIt() throws Exception {
        NameNotFoundException e = assertThrows(NameNotFoundException.class, () -> context().lookup("missing"));
        assertTrue(e.getMessage().contains("queue.missing"), e.getMessage());
    }

    @Test
    void aBadUrlIsReportedWithItsKey() {
        Exception e = assertThrows(javax.naming.NamingException.class,
                () -> context("connectionFactory.Bad", "nonsense"));
        assertTrue(e.getMessage().contains("connectionFactory.Bad"), e.getMessage());
    }

    @Test
    void factoriesAndDestinationsSurviveSerializationAndReferences() throws Exception {
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://ser?prefetch=5");
        FerryConnectionFactory copy = roundTrip(factory);
        assertEquals(factory.getUrl(), copy.getUrl());
        FerryQueue queue = new FerryQueue("q");
        assertEquals(queue, roundTrip(queue));
        Reference ref = queue.getReference();
        assertEquals(queue, new FerryObjectFactory().getObjectInstance(ref, null, null, null));
        Reference factoryRef = factory.getReference();
        Object rebuilt = new FerryObjectFactory().getObjectInstance(factoryRef, null, null, null);
        assertEquals(factory.getUrl(), ((FerryConnectionFactory) rebuilt).getUrl());
    }

    @Test
    void aReferenceToAnotherClassIsNotTurnedIntoAFactory() throws Exception {
        Reference foreign = new Reference("javax.sql.DataSource", FerryObjectFactory.class.getName(), null);
        foreign.add(new StringRefAddr(FerryObjectFactory.URL, "vm://not-ours?journal=memory"));
        assertNull(new FerryObjectFactory().getObjectInstance(foreign, null, null, null));
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
