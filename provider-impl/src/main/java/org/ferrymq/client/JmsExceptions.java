package org.ferrymq.client;

import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageNotWriteableRuntimeException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.ResourceAllocationRuntimeException;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionInProgressRuntimeException;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.TransactionRolledBackRuntimeException;

/**
 * Maps the checked JMS exceptions to their runtime twins, for the simplified API: a JMSContext,
 * JMSProducer or JMSConsumer works through classic objects and passes their failures on with
 * {@link #call} and {@link #run}.
 */
public final class JmsExceptions {

    private JmsExceptions() {
    }

    public static JMSRuntimeException toRuntime(JMSException e) {
        JMSRuntimeException r;
        String message = e.getMessage();
        String code = e.getErrorCode();
        if (e instanceof IllegalStateException) {
            r = new IllegalStateRuntimeException(message, code, e);
        } else if (e instanceof InvalidDestinationException) {
            r = new InvalidDestinationRuntimeException(message, code, e);
        } else if (e instanceof InvalidSelectorException) {
            r = new InvalidSelectorRuntimeException(message, code, e);
        } else if (e instanceof InvalidClientIDException) {
            r = new InvalidClientIDRuntimeException(message, code, e);
        } else if (e instanceof JMSSecurityException) {
            r = new JMSSecurityRuntimeException(message, code, e);
        } else if (e instanceof MessageFormatException) {
            r = new MessageFormatRuntimeException(message, code, e);
        } else if (e instanceof MessageNotWriteableException) {
            r = new MessageNotWriteableRuntimeException(message, code, e);
        } else if (e instanceof ResourceAllocationException) {
            r = new ResourceAllocationRuntimeException(message, code, e);
        } else if (e instanceof TransactionInProgressException) {
            r = new TransactionInProgressRuntimeException(message, code, e);
        } else if (e instanceof TransactionRolledBackException) {
            r = new TransactionRolledBackRuntimeException(message, code, e);
        } else {
            r = new JMSRuntimeException(message, code, e);
        }
        return r;
    }

    /** An IllegalStateException with a message saying what is closed. */
    public static IllegalStateException closed(String what) {
        return new IllegalStateException("The " + what + " is closed");
    }

    /** A call into the classic API. */
    @FunctionalInterface
    public interface JmsCall<T> {
        T call() throws JMSException;
    }

    /** A call into the classic API without a result. */
    @FunctionalInterface
    public interface JmsRun {
        void run() throws JMSException;
    }

    /** Runs a classic call, turning its checked JMSException into the runtime twin. */
    public static <T> T call(JmsCall<T> call) {
        try {
            return call.call();
        } catch (JMSException e) {
            throw toRuntime(e);
        }
    }

    /** Runs a classic call without a result, turning its checked JMSException into the runtime twin. */
    public static void run(JmsRun run) {
        try {
            run.run();
        } catch (JMSException e) {
            throw toRuntime(e);
        }
    }
}
