package org.ferrymq.transport.invm;

import jakarta.jms.JMSException;
import org.ferrymq.client.ConnectionUrl;
import org.ferrymq.protocol.Transport;
import org.ferrymq.transport.TransportProvider;

/** {@code vm://NAME}: the embedded broker NAME of this JVM, started by the first URL that names it. */
public final class InVmTransportProvider implements TransportProvider {

    @Override
    public Transport create(ConnectionUrl url) throws JMSException {
        return new InVmTransport(InVmBrokers.brokerFor(url));
    }
}
