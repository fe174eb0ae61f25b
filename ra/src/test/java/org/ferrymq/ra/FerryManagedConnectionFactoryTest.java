package org.ferrymq.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.MessageFormatException;
import jakarta.jms.ObjectMessage;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import java.io.Serializable;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which pooled connection a server may hand out again: {@code matchManagedConnections} takes one
 * only for the same configuration (an equal factory, as a server may hold copies) and the same
 * credentials, and never a broken one. Over a real embedded broker.
 */
class FerryManagedConnectionFactoryTest {

    private static FerryResourceAdapter adapter;
    private ManagedConnection pooled;

    @BeforeAll
    static void startAdapter() throws ResourceException {
        adapter = new FerryResourceAdapter();
        adapter.setBrokerName("ra-match-test");
        adapter.setBrokerProperties("journal=memory");
        adapter.start(null);
    }

    @AfterAll
    static void stopAdapter() {
        adapter.stop();
    }

    @AfterEach
    void destroy() throws ResourceException {
        if (pooled != null) {
            pooled.destroy();
        }
    }

    private static FerryManagedConnectionFactory factory(String clientId) throws ResourceException {
        FerryManagedConnectionFactory factory = new FerryManagedConnectionFactory();
        factory.setResourceAdapter(adapter);
        factory.setClientId(clientId);
        return factory;
    }

    @Test
    void anEqualFactoryWithTheSameCredentialsTakesThePooledConnection() throws ResourceException {
        FerryManagedConnectionFactory first = factory("billing");
        pooled = first.createManagedConnection(null, null);

        FerryManagedConnectionFactory copy = factory("billing");
        assertEquals(first, copy);
        assertSame(pooled, copy.matchManagedConnections(Set.of(pooled), null, null));
    }

    @Test
    void anotherConfigurationOrUserDoesNotTakeIt() throws ResourceException {
        FerryManagedConnectionFactory billing = factory("billing");
        pooled = billing.createManagedConnection(null, null);

        assertNull(factory("shipping").matchManagedConnections(Set.of(pooled), null, null),
                "a connection with client ID 'billing' was handed to a factory configured for 'shipping'");
        assertNull(billing.matchManagedConnections(Set.of(pooled), null, new Credentials("alice", "secret", null)),
                "a connection made without a user was handed to a request for user 'alice'");
    }

    @Test
    void aBrokenConnectionIsNeitherMatchedNorKept() throws ResourceException {
        FerryManagedConnectionFactory billing = factory("billing");
        pooled = billing.createManagedConnection(null, null);
        ((FerryManagedConnection) pooled).connectionFailed(new jakarta.jms.JMSException("broker gone"));

        assertNull(billing.matchManagedConnections(Set.of(pooled), null, null));
        assertEquals(Set.of(pooled), billing.getInvalidConnections(Set.of(pooled)));
    }

    /** An application class: refused in an ObjectMessage unless a list allows it. */
    static final class Order implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private ObjectMessage orderMessage(FerryManagedConnectionFactory factory) throws Exception {
        pooled = factory.createManagedConnection(null, null);
        return ((FerryManagedConnection) pooled).session().createObjectMessage(new Order());
    }

    @Test
    void theFactorysObjectMessageAllowListReachesItsConnections() throws Exception {
        FerryManagedConnectionFactory allowing = factory("billing");
        allowing.setObjectMessageAllowList("org.ferrymq.ra.*");
        assertNotEquals(factory("billing"), allowing);
        assertTrue(orderMessage(allowing).getObject() instanceof Order);
    }

    @Test
    void withoutAListTheFactorysConnectionsRefuseAnApplicationClass() throws Exception {
        MessageFormatException e = assertThrows(MessageFormatException.class,
                orderMessage(factory("billing"))::getObject);
        assertTrue(e.getMessage().contains(Order.class.getName()), e.getMessage());
    }

    @Test
    void theFactorysDenyListWinsOverItsAllowList() throws Exception {
        FerryManagedConnectionFactory denying = factory("billing");
        denying.setObjectMessageAllowList("org.ferrymq.ra.*");
        denying.setObjectMessageDenyList(Order.class.getName());
        assertThrows(MessageFormatException.class, orderMessage(denying)::getObject);
    }

    @Test
    void anActivationSpecRefusesAMalformedListNamingTheProperty() {
        FerryActivationSpec spec = new FerryActivationSpec();
        spec.setDestination("orders");
        spec.setObjectMessageAllowList("com.*.internal");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(e.getMessage().contains("objectMessageAllowList"), e.getMessage());
    }
}
