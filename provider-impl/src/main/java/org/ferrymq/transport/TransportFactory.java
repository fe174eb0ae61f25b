package org.ferrymq.transport;

import jakarta.jms.JMSException;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.protocol.Transport;

/**
 * Chooses the transport by the connection URL's scheme: the one place the client learns how
 * to reach a broker. The client above it sees only {@link Transport}, so a transport that
 * adds behaviour to another (failover reconnecting over whichever server answers) can wrap
 * any of them.
 *
 * <p>The schemes are registered below by class name, one line each, and the provider class
 * is loaded with this class's own class loader on first use: no service files and no
 * thread context class loader, which an application server's modules do not share.
 */
public final class TransportFactory {

    /** A scheme's provider, by class name, and the URL form shown when a URL is refused. */
    private record Registration(String providerClass, String form) {
    }

    /** By scheme, in the order shown to a user. */
    private static final Map<String, Registration> SCHEMES = new TreeMap<>();
    private static final Map<String, TransportProvider> LOADED = new ConcurrentHashMap<>();

    static {
        register("vm", "org.ferrymq.transport.invm.InVmTransportProvider", "vm://NAME (a broker in this JVM)");
        // failover wraps the TCP transport: a tcp:// connection reconnects unless reconnectAttempts=0
        register("tcp", "org.ferrymq.transport.failover.FailoverTransportProvider",
                "tcp://HOST:PORT[,tcp://HOST:PORT...] (FerryMQ servers)");
    }

    private TransportFactory() {
    }

    /** Makes {@code scheme://...} URLs reach brokers through the transports {@code providerClass} makes. */
    static synchronized void register(String scheme, String providerClass, String form) {
        SCHEMES.put(scheme, new Registration(providerClass, form));
        LOADED.remove(scheme);
    }

    /** Forgets a scheme (for tests that register their own). */
    static synchronized void unregister(String scheme) {
        SCHEMES.remove(scheme);
        LOADED.remove(scheme);
    }

    /** A new transport to the broker {@code url} names, made by the provider of its scheme. */
    public static Transport create(ConnectionUrl url) throws JMSException {
        TransportProvider provider;
        try {
            provider = providerFor(url);
        } catch (IllegalArgumentException e) {
            JMSException failure = new JMSException(e.getMessage());
            failure.initCause(e);
            throw failure;
        }
        return provider.create(url);
    }

    /**
     * The provider for {@code url}'s scheme, loaded now if this is the scheme's first use.
     *
     * @throws IllegalArgumentException if no transport is registered for the scheme, naming
     *     the schemes there are, or if its provider cannot be loaded
     */
    public static TransportProvider providerFor(ConnectionUrl url) {
        TransportProvider provider = LOADED.get(url.scheme());
        if (provider != null) {
            return provider;
        }
        synchronized (TransportFactory.class) {
            Registration registration = SCHEMES.get(url.scheme());
            if (registration == null) {
                throw new IllegalArgumentException("Connection URL '" + url + "' uses the scheme '" + url.scheme()
                        + "', which FerryMQ does not know; use " + known());
            }
            return LOADED.computeIfAbsent(url.scheme(), scheme -> load(scheme, registration));
        }
    }

    private static String known() {
        StringBuilder forms = new StringBuilder(SCHEMES.size() > 1 ? "one of " : "");
        String separator = "";
        for (Registration registration : SCHEMES.values()) {
            forms.append(separator).append(registration.form());
            separator = ", ";
        }
        return forms.toString();
    }

    private static TransportProvider load(String scheme, Registration registration) {
        try {
            Class<?> type = Class.forName(registration.providerClass(), true, TransportFactory.class.getClassLoader());
            return (TransportProvider) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new IllegalArgumentException("The transport for " + scheme + ":// URLs cannot be loaded ("
                    + registration.providerClass() + ": " + cause + "); check that FerryMQ's jar and the libraries "
                    + "it needs are all on the class path", cause);
        }
    }
}
