package org.ferrymq.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.Context;
import javax.naming.InitialContext;
import org.ferrymq.jndi.FerryInitialContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which classes an ObjectMessage body may bring into the receiving JVM: the JDK's value
 * types and collections, what {@code objectMessageAllowList} adds, never what
 * {@code objectMessageDenyList} names; and a body asked for as a type it cannot be is not
 * deserialized at all.
 */
class ObjectMessageFilterTest {

    private static final String ORDER = Order.class.getName();

    @RegisterExtension
    final EmbeddedBroker broker = new EmbeddedBroker();

    /** An application class: not among the JDK's value types. */
    static final class Order implements Serializable {
        private static final long serialVersionUID = 1L;
        final String item;

        Order(String item) {
            this.item = item;
        }
    }

    /** Counts how often an instance was deserialized: proof that a refused body's classes never ran. */
    static final class RecordsDeserialization implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READS.incrementAndGet();
        }
    }

    /** Sends {@code body} through a broker and returns the ObjectMessage a consumer of {@code factory} receives. */
    private ObjectMessage roundTrip(ConnectionFactory factory, Serializable body) throws JMSException {
        try (JMSContext sender = broker.factory().createContext();
                JMSContext receiver = factory.createContext()) {
            Queue queue = sender.createQueue("objects");
            var consumer = receiver.createConsumer(queue);
            sender.createProducer().send(queue, body);
            return (ObjectMessage) consumer.receive(10_000);
        }
    }

    @Test
    void anApplicationClassIsRefusedByDefaultNamingTheClassAndTheSetting() throws Exception {
        ObjectMessage received = roundTrip(broker.factory(), new Order("book"));
        MessageFormatException e = assertThrows(MessageFormatException.class, received::getObject);
        assertTrue(e.getMessage().contains(ORDER), e.getMessage());
        assertTrue(e.getMessage().contains("objectMessageAllowList"), e.getMessage());
        assertTrue(e.getMessage().contains("ferrymq.objectMessage.allowList"), e.getMessage());
        assertThrows(MessageFormatException.class, () -> received.getBody(Serializable.class));
        assertFalse(received.isBodyAssignableTo(Serializable.class));
    }

    @Test
    void theJdkValueTypesAndCollectionsPassByDefault() throws Exception {
        HashMap<String, Object> map = new HashMap<>();
        map.put("list", new ArrayList<>(List.of(1, 2L, 3.0)));
        map.put("date", new Date(0));
        map.put("decimal", new BigDecimal("1.50"));
        map.put("day", LocalDate.of(2026, 12, 7));
        map.put("id", new UUID(1, 2));
        map.put("tree", new TreeMap<>(Map.of("k", new int[] {1, 2})));
        map.put("immutable", List.of("a", "b"));
        map.put("buffer", new StringBuffer("This is it!"));
        map.put("legacy", new Vector<>(List.of(new Hashtable<>(Map.of('c', (short) 1)))));
        Properties properties = new Properties();
        properties.setProperty("p", "v");
        map.put("properties", properties);
        map.put("strings", new String[][] {{"x"}});

        Object received = roundTrip(broker.factory(), map).getObject();

        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) received;
        assertEquals(map.keySet(), copy.keySet());
        assertEquals(new BigDecimal("1.50"), copy.get("decimal"));
        assertEquals(LocalDate.of(2026, 12, 7), copy.get("day"));
        assertEquals("This is it!", copy.get("buffer").toString());
    }

    @Test
    void allowingThePackageInTheUrlLetsTheClassThrough() throws Exception {
        ConnectionFactory allowing = broker.factory("objectMessageAllowList=org.ferrymq.client.*");
        assertEquals("book", ((Order) roundTrip(allowing, new Order("book")).getObject()).item);
    }

    @Test
    void allowingTheExactClassLetsItThrough() throws Exception {
        ConnectionFactory allowing = broker.factory("objectMessageAllowList=" + ORDER);
        assertEquals("book", ((Order) roundTrip(allowing, new Order("book")).getObject()).item);
    }

    @Test
    void theDenyListWinsOverTheAllowList() throws Exception {
        ConnectionFactory denying = broker.factory(
                "objectMessageAllowList=org.ferrymq.*&objectMessageDenyList=" + ORDER);
        ObjectMessage received = roundTrip(denying, new Order("book"));
        MessageFormatException e = assertThrows(MessageFormatException.class, received::getObject);
        assertTrue(e.getMessage().contains(ORDER), e.getMessage());
        assertTrue(e.getMessage().contains("objectMessageDenyList"), e.getMessage());
    }

    @Test
    void theDenyListCanRefuseAJdkDefault() throws Exception {
        ConnectionFactory denying = broker.factory("objectMessageDenyList=java.util.*");
        ObjectMessage received = roundTrip(denying, new ArrayList<>(List.of("a")));
        MessageFormatException e = assertThrows(MessageFormatException.class, received::getObject);
        assertTrue(e.getMessage().contains("java.util.ArrayList"), e.getMessage());
    }

    @Test
    void aClassInsideAnAllowedCollectionIsCheckedToo() throws Exception {
        HashMap<String, Object> map = new HashMap<>();
        map.put("order", new Order("book"));
        ObjectMessage received = roundTrip(broker.factory(), map);
        MessageFormatException e = assertThrows(MessageFormatException.class, received::getObject);
        assertTrue(e.getMessage().contains(ORDER), e.getMessage());
    }

    @Test
    void askingForATypeTheBodyCannotBeDoesNotDeserializeIt() throws Exception {
        ConnectionFactory allowing = broker.factory("objectMessageAllowList=org.ferrymq.client.*");
        ObjectMessage received = roundTrip(allowing, new RecordsDeserialization());
        int reads = RecordsDeserialization.READS.get();

        MessageFormatException e = assertThrows(MessageFormatException.class, () -> received.getBody(String.class));
        assertTrue(e.getMessage().contains(RecordsDeserialization.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
        assertFalse(received.isBodyAssignableTo(String.class));
        assertEquals(reads, RecordsDeserialization.READS.get());

        assertInstanceOf(RecordsDeserialization.class, received.getBody(Serializable.class));
        assertEquals(reads + 1, RecordsDeserialization.READS.get());
    }

    @Test
    void receiveBodyOfAnotherTypeDoesNotDeserializeTheBody() throws Exception {
        FerryConnectionFactory allowing = broker.factory("objectMessageAllowList=org.ferrymq.client.*");
        try (JMSContext context = allowing.createContext()) {
            Queue queue = context.createQueue("objects");
            var consumer = context.createConsumer(queue);
            context.createProducer().send(queue, new RecordsDeserialization());
            int reads = RecordsDeserialization.READS.get();
            assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(String.class, 10_000));
            assertEquals(reads, RecordsDeserialization.READS.get());
            assertInstanceOf(RecordsDeserialization.class, consumer.receiveBody(Serializable.class, 10_000));
        }
    }

    @Test
    void receiveBodyOnAJmsContextAppliesTheSameLists() throws Exception {
        try (JMSContext context = broker.factory().createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            Queue queue = context.createQueue("objects");
            var consumer = context.createConsumer(queue);
            context.createProducer().send(queue, new Order("book"));
            MessageFormatRuntimeException e = assertThrows(MessageFormatRuntimeException.class,
                    () -> consumer.receiveBody(Serializable.class, 10_000));
            assertTrue(e.getMessage().contains(ORDER), e.getMessage());
            assertTrue(e.getMessage().contains("objectMessageAllowList"), e.getMessage());

            context.createProducer().send(queue, (Serializable) new HashMap<>(Map.of("n", 1)));
            assertEquals(Map.of("n", 1), consumer.receiveBody(Serializable.class, 10_000));
        }
    }

    @Test
    void theSystemPropertyAppliesWhenTheUrlSetsNothing() throws Exception {
        System.setProperty("ferrymq.objectMessage.allowList", ORDER);
        try {
            assertEquals("book", ((Order) roundTrip(broker.factory(), new Order("book")).getObject()).item);
        } finally {
            System.clearProperty("ferrymq.objectMessage.allowList");
        }
    }

    @Test
    void theUrlWinsOverTheSystemProperty() throws Exception {
        System.setProperty("ferrymq.objectMessage.allowList", ORDER);
        try {
            ConnectionFactory denying = broker.factory("objectMessageAllowList=java.lang.Thread");
            ObjectMessage received = roundTrip(denying, new Order("book"));
            assertThrows(MessageFormatException.class, received::getObject);
        } finally {
            System.clearProperty("ferrymq.objectMessage.allowList");
        }
    }

    @Test
    void theSettingWorksThroughJndi() throws Exception {
        broker.factory();
        Properties environment = new Properties();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, FerryInitialContextFactory.class.getName());
        environment.put("connectionFactory.allowing",
                broker.factory("objectMessageAllowList=org.ferrymq.client.*").getUrl());
        ConnectionFactory allowing = (ConnectionFactory) new InitialContext(environment).lookup("allowing");
        assertEquals("book", ((Order) roundTrip(allowing, new Order("book")).getObject()).item);
    }

    @Test
    void aMalformedEntryIsRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> broker.factory("objectMessageAllowList=com.*.internal"));
        assertTrue(e.getMessage().contains("objectMessageAllowList"), e.getMessage());
        assertTrue(e.getMessage().contains("com.*.internal"), e.getMessage());
    }

    @Test
    void anObjectMessageTheApplicationMadeFollowsItsConnectionsLists() throws Exception {
        try (var connection = broker.factory("objectMessageAllowList=org.ferrymq.client.*").createConnection()) {
            Session session = connection.createSession();
            assertEquals("book", ((Order) session.createObjectMessage(new Order("book")).getObject()).item);
        }
    }

    /** Allowed by the lists, refused by the JVM-wide filter this test installs. */
    static final class RefusedByTheJvm implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void theJvmWideSerialFilterStillApplies() throws Exception {
        if (ObjectInputFilter.Config.getSerialFilter() == null) {
            // once per JVM; undecided on every other class, so other tests are unaffected
            ObjectInputFilter.Config.setSerialFilter(info -> info.serialClass() == RefusedByTheJvm.class
                    ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED);
        }
        ConnectionFactory allowing = broker.factory("objectMessageAllowList=*");
        ObjectMessage received = roundTrip(allowing, new RefusedByTheJvm());
        MessageFormatException e = assertThrows(MessageFormatException.class, received::getObject);
        assertTrue(e.getMessage().contains(RefusedByTheJvm.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("jdk.serialFilter"), e.getMessage());
    }
}
