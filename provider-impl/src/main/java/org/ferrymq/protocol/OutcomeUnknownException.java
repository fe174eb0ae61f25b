package org.ferrymq.protocol;

import jakarta.jms.JMSException;

/**
 * The broker's answer to a command whose change it cannot confirm and cannot take back: its
 * journal write was still unfinished when {@code journalTimeout} passed, or the database
 * failed while committing it. The change may still take effect. Unlike any other failure of a
 * commit, this is not a rollback: the client reports it to the application as an outcome it
 * must check, and keeps nothing of the transaction to roll back (the broker holds what the
 * transaction consumed until the write settles, then removes or redelivers it).
 *
 * <p>Used inside FerryMQ only; applications see a plain {@link JMSException} with this
 * message, or {@code XAER_RMFAIL} from an XA resource.
 */
public final class OutcomeUnknownException extends JMSException {

    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message);
        if (cause != null) {
            initCause(cause);
            if (cause instanceof Exception e) {
                setLinkedException(e);
            }
        }
    }
}
