package org.ferrymq.client.message;

import jakarta.jms.JMSException;

/**
 * What {@link jakarta.jms.Message#acknowledge()} does for a message received in
 * CLIENT_ACKNOWLEDGE mode: the session acknowledges everything it has consumed so far.
 */
@FunctionalInterface
public interface AcknowledgeCallback {

    void acknowledge() throws JMSException;
}
