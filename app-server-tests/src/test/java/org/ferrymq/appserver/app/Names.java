package org.ferrymq.appserver.app;

/** The JNDI names the servers' adapter configuration binds, and the test application uses. */
public final class Names {

    public static final String CONNECTION_FACTORY = "java:global/jms/ferrymq/ConnectionFactory";
    public static final String ORDERS = "java:global/jms/ferrymq/orders";
    public static final String FLAKY = "java:global/jms/ferrymq/flaky";
    public static final String NEWS = "java:global/jms/ferrymq/news";
    /** The test application's own XA data source (H2 in memory), defined by {@link OrderService}. */
    public static final String ORDERS_DATABASE = "java:app/jdbc/orders";
    /**
     * The crash-recovery test's XA data source, an H2 file database in the server's data
     * directory (so it survives a kill), defined by {@code wildfly/recovery-orders-ds.xml}.
     */
    public static final String RECOVERY_ORDERS_DATABASE = "java:jboss/datasources/ferrymq-recovery-orders";

    private Names() {
    }
}
