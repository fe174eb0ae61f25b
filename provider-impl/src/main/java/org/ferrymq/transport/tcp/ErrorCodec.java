package org.ferrymq.transport.tcp;

import io.netty.buffer.ByteBuf;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionRolledBackException;
import java.util.function.BiFunction;
import org.ferrymq.protocol.OutcomeUnknownException;
import org.ferrymq.protocol.XaFailure;

/**
 * Carries a {@link JMSException} across the wire as itself: its type (a code per
 * {@link Kind}), message and error code, plus the text of its cause, so that an application
 * sees over TCP the same exception it sees in-VM. A subclass the format does not know
 * travels as its nearest known superclass.
 */
final class ErrorCodec {

    /** Exception types and their codes; codes are never reused within a protocol version. */
    enum Kind {
        JMS(1, JMSException.class, JMSException::new),
        ILLEGAL_STATE(2, IllegalStateException.class, IllegalStateException::new),
        INVALID_CLIENT_ID(3, InvalidClientIDException.class, InvalidClientIDException::new),
        INVALID_DESTINATION(4, InvalidDestinationException.class, InvalidDestinationException::new),
        INVALID_SELECTOR(5, InvalidSelectorException.class, InvalidSelectorException::new),
        SECURITY(6, JMSSecurityException.class, JMSSecurityException::new),
        MESSAGE_EOF(7, MessageEOFException.class, MessageEOFException::new),
        MESSAGE_FORMAT(8, MessageFormatException.class, MessageFormatException::new),
        MESSAGE_NOT_READABLE(9, MessageNotReadableException.class, MessageNotReadableException::new),
        MESSAGE_NOT_WRITEABLE(10, MessageNotWriteableException.class, MessageNotWriteableException::new),
        RESOURCE_ALLOCATION(11, ResourceAllocationException.class, ResourceAllocationException::new),
        TRANSACTION_IN_PROGRESS(12, TransactionInProgressException.class, TransactionInProgressException::new),
        TRANSACTION_ROLLED_BACK(13, TransactionRolledBackException.class, TransactionRolledBackException::new),
        OUTCOME_UNKNOWN(14, OutcomeUnknownException.class, (message, errorCode) ->
                new OutcomeUnknownException(message, null)),
        /** Followed by the XA error code. */
        XA_FAILURE(15, XaFailure.class, null);

        final int code;
        final Class<? extends JMSException> type;
        private final BiFunction<String, String, JMSException> create;

        Kind(int code, Class<? extends JMSException> type, BiFunction<String, String, JMSException> create) {
            this.code = code;
            this.type = type;
            this.create = create;
        }

        /** The kind of {@code e}'s class, or of its nearest superclass the format knows. */
        static Kind of(JMSException e) {
            for (Class<?> c = e.getClass(); c != Object.class; c = c.getSuperclass()) {
                for (Kind kind : values()) {
                    if (kind.type == c) {
                        return kind;
                    }
                }
            }
            return JMS;
        }

        static Kind ofCode(int code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new FrameFormatException("unknown exception code " + code);
        }
    }

    private ErrorCodec() {
    }

    static void encode(JMSException e, ByteBuf out) {
        Kind kind = Kind.of(e);
        out.writeByte(kind.code);
        Wire.writeString(out, e.getMessage());
        Wire.writeString(out, e.getErrorCode());
        Throwable cause = e.getCause() != null ? e.getCause() : e.getLinkedException();
        Wire.writeString(out, cause == null ? null : cause.toString());
        if (kind == Kind.XA_FAILURE) {
            out.writeInt(((XaFailure) e).xaCode());
        }
    }

    static JMSException decode(ByteBuf in) {
        Kind kind = Kind.ofCode(in.readUnsignedByte());
        String message = Wire.readString(in);
        String errorCode = Wire.readString(in);
        String cause = Wire.readString(in);
        JMSException e;
        if (kind == Kind.XA_FAILURE) {
            e = new XaFailure(in.readInt(), message);
        } else {
            e = kind.create.apply(message, errorCode);
        }
        if (cause != null) {
            // the cause's type lives in the broker's JVM: the client keeps its text
            Exception remote = new Exception("in the broker: " + cause);
            e.setLinkedException(remote);
            e.initCause(remote);
        }
        return e;
    }
}
