package org.ferrymq.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;
import java.io.Serializable;
import org.ferrymq.client.message.ObjectMessageFilter;

/**
 * How a message-driven bean receives from FerryMQ: the standard activation properties of
 * Jakarta Messaging ({@code destinationLookup}, {@code connectionFactoryLookup},
 * {@code destinationType}, {@code subscriptionDurability}, {@code subscriptionName},
 * {@code clientId}, {@code messageSelector}, {@code acknowledgeMode}), plus {@code destination}
 * (a physical name, instead of a lookup), {@code maxSession} (concurrent deliveries), and
 * {@code reconnectDelay} and {@code maxReconnectDelay} (how the activation connects again after
 * losing its connection), and {@code user} and {@code password} (whom the activation's connection
 * logs in as; {@code userName} is another name of {@code user}, OpenMQ's). An activation without a
 * user logs in as the resource adapter's {@code UserName}, if it has one.
 */
public class FerryActivationSpec implements ActivationSpec, Serializable {

    private static final long serialVersionUID = 1L;

    static final String QUEUE = "jakarta.jms.Queue";
    static final String TOPIC = "jakarta.jms.Topic";
    static final String DURABLE = "Durable";
    static final String NON_DURABLE = "NonDurable";

    private transient ResourceAdapter resourceAdapter;
    private String destinationLookup;
    private String connectionFactoryLookup;
    private String destination;
    private String destinationType;
    private String subscriptionDurability = NON_DURABLE;
    private String subscriptionName;
    private String clientId;
    private String messageSelector;
    private String acknowledgeMode = "Auto-acknowledge";
    private int maxSession = 5;
    private int reconnectDelay = 1000;
    private int maxReconnectDelay = 30_000;
    private String objectMessageAllowList;
    private String objectMessageDenyList;
    private String user;
    private String password;

    /** Refuses settings that cannot work, naming the property and what it takes. */
    @Override
    public void validate() throws InvalidPropertyException {
        if (blank(destinationLookup) && blank(destination)) {
            throw invalid("destinationLookup", "set destinationLookup (a JNDI name) or destination (a physical name)");
        }
        if (destinationType != null && !destinationType.equals(QUEUE) && !destinationType.equals(TOPIC)) {
            throw invalid("destinationType", "is '" + destinationType + "'; use " + QUEUE + " or " + TOPIC);
        }
        if (!DURABLE.equals(subscriptionDurability) && !NON_DURABLE.equals(subscriptionDurability)) {
            throw invalid("subscriptionDurability", "is '" + subscriptionDurability + "'; use " + DURABLE + " or "
                    + NON_DURABLE);
        }
        if (isDurable() && blank(subscriptionName)) {
            throw invalid("subscriptionName", "a durable subscription needs a subscriptionName");
        }
        if (!"Auto-acknowledge".equals(acknowledgeMode) && !"Dups-ok-acknowledge".equals(acknowledgeMode)) {
            throw invalid("acknowledgeMode", "is '" + acknowledgeMode + "'; use Auto-acknowledge or Dups-ok-acknowledge");
        }
        if (maxSession < 1) {
            throw invalid("maxSession", "is " + maxSession + "; use 1 or more");
        }
        if (reconnectDelay < 1) {
            throw invalid("reconnectDelay", "is " + reconnectDelay + "; use 1 (milliseconds) or more");
        }
        if (maxReconnectDelay < reconnectDelay) {
            throw invalid("maxReconnectDelay", "is " + maxReconnectDelay + ", less than reconnectDelay "
                    + reconnectDelay + "; use reconnectDelay or more");
        }
        if (blank(user) && password != null) {
            throw invalid("user", "password is set but user is not; set user to the name the password belongs to");
        }
        checkClassList("objectMessageAllowList", objectMessageAllowList);
        checkClassList("objectMessageDenyList", objectMessageDenyList);
    }

    private static void checkClassList(String property, String list) throws InvalidPropertyException {
        try {
            ObjectMessageFilter.checkList(property, list);
        } catch (IllegalArgumentException e) {
            throw invalid(property, e.getMessage());
        }
    }

    private static InvalidPropertyException invalid(String property, String message) {
        return new InvalidPropertyException("FerryMQ activation property " + property + ": " + message);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    boolean isDurable() {
        return DURABLE.equals(subscriptionDurability);
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        this.resourceAdapter = ra;
    }

    public String getDestinationLookup() {
        return destinationLookup;
    }

    public void setDestinationLookup(String destinationLookup) {
        this.destinationLookup = destinationLookup;
    }

    public String getConnectionFactoryLookup() {
        return connectionFactoryLookup;
    }

    /** Accepted for portability; deliveries always come from the adapter's own broker. */
    public void setConnectionFactoryLookup(String connectionFactoryLookup) {
        this.connectionFactoryLookup = connectionFactoryLookup;
    }

    public String getDestination() {
        return destination;
    }

    public void setDestination(String destination) {
        this.destination = destination;
    }

    public String getDestinationType() {
        return destinationType;
    }

    public void setDestinationType(String destinationType) {
        this.destinationType = destinationType;
    }

    public String getSubscriptionDurability() {
        return subscriptionDurability;
    }

    public void setSubscriptionDurability(String subscriptionDurability) {
        this.subscriptionDurability = subscriptionDurability;
    }

    public String getSubscriptionName() {
        return subscriptionName;
    }

    public void setSubscriptionName(String subscriptionName) {
        this.subscriptionName = subscriptionName;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getMessageSelector() {
        return messageSelector;
    }

    public void setMessageSelector(String messageSelector) {
        this.messageSelector = messageSelector;
    }

    public String getAcknowledgeMode() {
        return acknowledgeMode;
    }

    public void setAcknowledgeMode(String acknowledgeMode) {
        this.acknowledgeMode = acknowledgeMode;
    }

    public int getMaxSession() {
        return maxSession;
    }

    public void setMaxSession(int maxSession) {
        this.maxSession = maxSession;
    }

    public int getReconnectDelay() {
        return reconnectDelay;
    }

    /** Milliseconds before the first try to connect again after the connection was lost (default 1000); doubles after each failed try. */
    public void setReconnectDelay(int reconnectDelay) {
        this.reconnectDelay = reconnectDelay;
    }

    public int getMaxReconnectDelay() {
        return maxReconnectDelay;
    }

    /** The longest wait between two tries to connect again, in milliseconds (default 30000). */
    public void setMaxReconnectDelay(int maxReconnectDelay) {
        this.maxReconnectDelay = maxReconnectDelay;
    }

    public String getObjectMessageAllowList() {
        return objectMessageAllowList;
    }

    /** Classes and packages ({@code com.example.*}) an ObjectMessage delivered to the endpoint may hold, besides the JDK's. */
    public void setObjectMessageAllowList(String objectMessageAllowList) {
        this.objectMessageAllowList = objectMessageAllowList;
    }

    public String getObjectMessageDenyList() {
        return objectMessageDenyList;
    }

    /** Classes and packages an ObjectMessage delivered to the endpoint may never hold, even if allowed. */
    public void setObjectMessageDenyList(String objectMessageDenyList) {
        this.objectMessageDenyList = objectMessageDenyList;
    }

    public String getUser() {
        return user;
    }

    /** The user the activation's connection logs in as; none: the resource adapter's {@code UserName}. */
    public void setUser(String user) {
        this.user = user;
    }

    public String getUserName() {
        return user;
    }

    /** Another name of {@link #setUser user}: OpenMQ's, so that its beans' activation properties serve unchanged. */
    public void setUserName(String userName) {
        this.user = userName;
    }

    public String getPassword() {
        return password;
    }

    /** The password of {@link #setUser user}; never logged, nor shown by {@link #toString}. */
    public void setPassword(String password) {
        this.password = password;
    }

    /** Whether the activation names a user of its own (else it logs in as the resource adapter's). */
    boolean hasUser() {
        return !blank(user);
    }

    /** The destination as the activation names it: its physical name or its JNDI name. */
    String destinationName() {
        return destination != null ? destination : destinationLookup;
    }

    @Override
    public String toString() {
        return "FerryActivationSpec[" + destinationName() + ", "
                + subscriptionDurability + (subscriptionName == null ? "" : " '" + subscriptionName + "'") + "]";
    }
}
