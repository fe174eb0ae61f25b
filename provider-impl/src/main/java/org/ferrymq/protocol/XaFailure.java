package org.ferrymq.protocol;

import jakarta.jms.JMSException;

/**
 * The broker's answer to an XA command it refuses or could not carry out: {@code xaCode} is
 * the {@link javax.transaction.xa.XAException} error code the XA specification names for the
 * case ({@code XAER_NOTA}, {@code XAER_PROTO}, {@code XA_RBTIMEOUT}, ...). The client's
 * {@code XAResource} turns it into an {@code XAException} with that code and this message.
 */
public final class XaFailure extends JMSException {

    private static final long serialVersionUID = 1L;

    private final int xaCode;

    public XaFailure(int xaCode, String message) {
        super(message);
        this.xaCode = xaCode;
    }

    public int xaCode() {
        return xaCode;
    }
}
