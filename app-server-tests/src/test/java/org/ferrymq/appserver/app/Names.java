package org.ferrymq.appserver.app;

/** The JNDI names the servers' adapter configuration binds, and the test application uses. */
public final class Names {

    public static final String CONNECTION_FACTORY = "java:/jms/ferrymq/ConnectionFactory";
    public static final String ORDERS = "java:/jms/ferrymq/orders";
    public static final String FLAKY = "java:/jms/ferrymq/flaky";
    public static final String NEWS = "java:/jms/ferrymq/news";

    private Names() {
    }
}
