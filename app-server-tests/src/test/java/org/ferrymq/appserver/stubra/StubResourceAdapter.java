package org.ferrymq.appserver.stubra;

import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import javax.transaction.xa.XAResource;

/**
 * A resource adapter that does nothing but note each message endpoint the server activates on
 * it, so the harness can show that a third-party rar deploys and that an MDB binds to it before
 * FerryMQ's own adapter is there. The note is a system property, as a test deployment does not
 * see the rar's classes on every server.
 */
@Connector(displayName = "Stub resource adapter of the application server tests")
public class StubResourceAdapter implements ResourceAdapter {

    /** Comma-separated destinations of the endpoints activated so far in this server JVM. */
    public static final String ACTIVATIONS_PROPERTY = "ferrymq.stub-ra.activations";

    @Override
    public void start(BootstrapContext context) {
    }

    @Override
    public void stop() {
    }

    @Override
    public void endpointActivation(MessageEndpointFactory endpoints, ActivationSpec spec) {
        String destination = ((StubActivationSpec) spec).getDestination();
        synchronized (StubResourceAdapter.class) {
            String before = System.getProperty(ACTIVATIONS_PROPERTY);
            System.setProperty(ACTIVATIONS_PROPERTY, before == null ? destination : before + "," + destination);
        }
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory endpoints, ActivationSpec spec) {
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    // a resource adapter is a JavaBean the server may compare: one instance is one adapter
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
