package org.ferrymq.jndi;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.spi.InitialContextFactory;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryQueue;
import org.ferrymq.client.FerryTopic;
import org.ferrymq.client.FerryXAConnectionFactory;

/**
 * JNDI for standalone JMS clients, in the convention users know from other providers. The
 * environment (or {@code jndi.properties}) binds:
 * <ul>
 * <li>{@code connectionFactory.NAME=URL}: a connection factory (plain, queue and topic) for
 * the URL, e.g. {@code vm://localhost?clientID=app};</li>
 * <li>{@code xaConnectionFactory.NAME=URL}: an XA connection factory (also plain, queue and topic);</li>
 * <li>{@code queue.NAME=physicalName} and {@code topic.NAME=physicalName}: destinations.</li>
 * </ul>
 * When no factory is named, {@code ConnectionFactory} and {@code XAConnectionFactory} are
 * bound to {@code java.naming.provider.url}, or to {@code vm://localhost} without one.
 */
public final class FerryInitialContextFactory implements InitialContextFactory {

    public static final String CONNECTION_FACTORY_PREFIX = "connectionFactory.";
    public static final String XA_CONNECTION_FACTORY_PREFIX = "xaConnectionFactory.";
    public static final String QUEUE_PREFIX = "queue.";
    public static final String TOPIC_PREFIX = "topic.";
    public static final String DEFAULT_FACTORY_NAME = "ConnectionFactory";
    public static final String DEFAULT_XA_FACTORY_NAME = "XAConnectionFactory";
    public static final String DEFAULT_URL = "vm://localhost";

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) throws NamingException {
        Map<String, Object> bindings = new HashMap<>();
        boolean factoryNamed = false;
        for (Map.Entry<?, ?> entry : environment.entrySet()) {
            String key = String.valueOf(entry.getKey());
            String value = String.valueOf(entry.getValue()).trim();
            if (key.startsWith(CONNECTION_FACTORY_PREFIX)) {
                bindings.put(name(key, CONNECTION_FACTORY_PREFIX), factory(key, value, false));
                factoryNamed = true;
            } else if (key.startsWith(XA_CONNECTION_FACTORY_PREFIX)) {
                bindings.put(name(key, XA_CONNECTION_FACTORY_PREFIX), factory(key, value, true));
                factoryNamed = true;
            } else if (key.startsWith(QUEUE_PREFIX)) {
                bindings.put(name(key, QUEUE_PREFIX), new FerryQueue(physical(key, value)));
            } else if (key.startsWith(TOPIC_PREFIX)) {
                bindings.put(name(key, TOPIC_PREFIX), new FerryTopic(physical(key, value)));
            }
        }
        if (!factoryNamed) {
            Object url = environment.get(Context.PROVIDER_URL);
            String u = url == null || url.toString().isBlank() ? DEFAULT_URL : url.toString().trim();
            bindings.put(DEFAULT_FACTORY_NAME, factory(Context.PROVIDER_URL, u, false));
            bindings.put(DEFAULT_XA_FACTORY_NAME, factory(Context.PROVIDER_URL, u, true));
        }
        return new ReadOnlyContext(environment, bindings);
    }

    private static String name(String key, String prefix) throws NamingException {
        String name = key.substring(prefix.length());
        if (name.isEmpty()) {
            throw new NamingException("JNDI property '" + key + "' names nothing; write " + prefix + "NAME=...");
        }
        return name;
    }

    private static String physical(String key, String value) throws NamingException {
        if (value.isEmpty()) {
            throw new NamingException("JNDI property '" + key + "' has no physical destination name");
        }
        return value;
    }

    private static FerryConnectionFactory factory(String key, String url, boolean xa) throws NamingException {
        try {
            return xa ? new FerryXAConnectionFactory(url) : new FerryConnectionFactory(url);
        } catch (IllegalArgumentException e) {
            NamingException failure = new NamingException("JNDI property '" + key + "': " + e.getMessage());
            failure.setRootCause(e);
            throw failure;
        }
    }
}
