package org.ferrymq.protocol;

import java.util.List;

/**
 * Everything a client asks of a broker. The in-VM transport hands these objects straight to
 * the broker; the TCP transport frames the same records. {@code R} is the type of the answer.
 *
 * <p>Delivery ids are unique within a broker. "Consumed" lists name the deliveries the
 * application has actually seen (received or passed to a listener) but not yet
 * acknowledged; anything else the broker has dispatched to the session was only prefetched,
 * and is returned to its queue without counting as a delivery.
 */
public sealed interface Command<R> {

    /**
     * Answers this command by calling the visitor's method for its type: a visitor has one
     * method for every command, so a command that some visitor (the broker, the TCP frame
     * encoder) does not handle is a compile error, not a run-time surprise.
     */
    <E extends Exception> R accept(Visitor<E> visitor) throws E;

    /**
     * One method per command, answering what the command answers. {@code E} is what its
     * methods may throw: the broker throws JMSException; a visitor that computes something else
     * than the answer (an encoder writing a frame) keeps it itself and answers null.
     */
    interface Visitor<E extends Exception> {
        Void openConnection(OpenConnection command) throws E;
        Void setClientId(SetClientId command) throws E;
        Void closeConnection(CloseConnection command) throws E;
        Void createSession(CreateSession command) throws E;
        Void closeSession(CloseSession command) throws E;
        Void createConsumer(CreateConsumer command) throws E;
        Void closeConsumer(CloseConsumer command) throws E;
        Void credit(Credit command) throws E;
        Void pull(Pull command) throws E;
        Void send(Send command) throws E;
        Void acknowledge(Acknowledge command) throws E;
        Void acknowledgeAsync(AcknowledgeAsync command) throws E;
        Void commit(Commit command) throws E;
        Integer rollback(Rollback command) throws E;
        Integer recover(Recover command) throws E;
        Void unsubscribe(Unsubscribe command) throws E;
        DestinationName createTemporaryDestination(CreateTemporaryDestination command) throws E;
        Void deleteTemporaryDestination(DeleteTemporaryDestination command) throws E;
        List<MessageData> browse(Browse command) throws E;
        Void checkDestination(CheckDestination command) throws E;
        Integer xaStart(XaStart command) throws E;
        Integer xaEnd(XaEnd command) throws E;
        Integer xaPrepare(XaPrepare command) throws E;
        Integer xaCommit(XaCommit command) throws E;
        Integer xaRollback(XaRollback command) throws E;
        Integer xaForget(XaForget command) throws E;
        List<XidData> xaRecover(XaRecover command) throws E;
        Void beginLargeBody(BeginLargeBody command) throws E;
        Void largeBodyChunk(LargeBodyChunk command) throws E;
        Void abortLargeBody(AbortLargeBody command) throws E;
        byte[] readLargeBody(ReadLargeBody command) throws E;
    }

    /** Opens a connection; fails with JMSSecurityException or InvalidClientIDException. */
    record OpenConnection(String connectionId, String user, String password, String clientId)
            implements Command<Void> {

        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.openConnection(this);
        }

        /** Commands end up in logs and exception messages: the password never does. */
        @Override
        public String toString() {
            return "OpenConnection[connectionId=" + connectionId + ", user=" + user + ", password="
                    + (password == null ? null : "***") + ", clientId=" + clientId + "]";
        }
    }

    record SetClientId(String clientId) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.setClientId(this);
        }
    }

    record CloseConnection() implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.closeConnection(this);
        }
    }

    record CreateSession(long sessionId, boolean transacted) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.createSession(this);
        }
    }

    /** Closes a session: its consumed, unacknowledged messages come back for redelivery. */
    record CloseSession(long sessionId, long[] consumed) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.closeSession(this);
        }
    }

    record CreateConsumer(ConsumerInfo info) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.createConsumer(this);
        }
    }

    /**
     * Closes a consumer. Deliveries in {@code consumed} stay with the session (to be
     * acknowledged, committed or recovered later); the rest of what was dispatched to the
     * consumer is released.
     */
    record CloseConsumer(long consumerId, long[] consumed) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.closeConsumer(this);
        }
    }

    /** Opens the consumer's prefetch window by {@code credit} more messages. */
    record Credit(long consumerId, int credit) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.credit(this);
        }
    }

    /** Dispatches anything available to the consumer before answering (receiveNoWait). */
    record Pull(long consumerId) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.pull(this);
        }
    }

    /** Sends a message; in a transacted session the broker holds it until commit. */
    record Send(long sessionId, MessageData message) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.send(this);
        }
    }

    /** Acknowledges and answers once the acknowledgement is stored (CLIENT_ACKNOWLEDGE). */
    record Acknowledge(long sessionId, long[] deliveryIds) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.acknowledge(this);
        }
    }

    /**
     * Acknowledges without waiting for the journal (AUTO_ACKNOWLEDGE, DUPS_OK_ACKNOWLEDGE). The
     * deliveries leave the session at once, so no recover, rollback or close gives them back,
     * and stay off their queues until their removal is stored; then, or when it failed or the
     * journal timeout passed, the broker reports through
     * {@link ClientChannel#acknowledgementsSettled}. If the removal could not be stored, the
     * messages go back to their queues counted as delivered: they come again flagged as redelivered.
     */
    record AcknowledgeAsync(long sessionId, long[] deliveryIds) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.acknowledgeAsync(this);
        }
    }

    /** Commits the session's transaction: its sends become visible, {@code consumed} acknowledged. */
    record Commit(long sessionId, long[] consumed) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.commit(this);
        }
    }

    /**
     * Rolls back the session's transaction: sends are discarded, {@code consumed} is
     * redelivered, and everything else dispatched to the session is released. Answers the
     * session's new delivery generation: deliveries of older generations are stale.
     */
    record Rollback(long sessionId, long[] consumed) implements Command<Integer> {
        @Override
        public <E extends Exception> Integer accept(Visitor<E> visitor) throws E {
            return visitor.rollback(this);
        }
    }

    /**
     * Session.recover(): like rollback, for the session's acknowledgements only. Deliveries in
     * {@code refused} are ones receiveBody could not return the body of (AUTO_ACKNOWLEDGE,
     * DUPS_OK_ACKNOWLEDGE): they come back unseen, not flagged as redelivered, but each refusal
     * counts against the broker's maximum delivery attempts.
     */
    record Recover(long sessionId, long[] consumed, long[] refused) implements Command<Integer> {

        public Recover(long sessionId, long[] consumed) {
            this(sessionId, consumed, new long[0]);
        }

        @Override
        public <E extends Exception> Integer accept(Visitor<E> visitor) throws E {
            return visitor.recover(this);
        }
    }

    record Unsubscribe(String subscriptionName) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.unsubscribe(this);
        }
    }

    record CreateTemporaryDestination(DestinationName.Kind kind) implements Command<DestinationName> {
        @Override
        public <E extends Exception> DestinationName accept(Visitor<E> visitor) throws E {
            return visitor.createTemporaryDestination(this);
        }
    }

    record DeleteTemporaryDestination(DestinationName destination) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.deleteTemporaryDestination(this);
        }
    }

    /** The messages waiting on a queue, in delivery order, that match the selector. */
    record Browse(DestinationName queue, String selector) implements Command<List<MessageData>> {
        @Override
        public <E extends Exception> List<MessageData> accept(Visitor<E> visitor) throws E {
            return visitor.browse(this);
        }
    }

    /** Fails with InvalidDestinationException when the destination does not exist and cannot be created. */
    record CheckDestination(DestinationName destination) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.checkDestination(this);
        }
    }

    // ---- XA: each answers an XAResource return code (XA_OK, XA_RDONLY) or fails with XaFailure ----

    /**
     * Associates the session with a branch ({@code flags}: TMNOFLAGS, TMJOIN or TMRESUME): its
     * sends and the deliveries it consumes belong to the branch until {@link XaEnd}. A new
     * branch is rolled back by the broker if not prepared within {@code timeoutSeconds} (0:
     * the broker's default).
     */
    record XaStart(long sessionId, XidData xid, int flags, int timeoutSeconds) implements Command<Integer> {
        @Override
        public <E extends Exception> Integer accept(Visitor<E> visitor) throws E {
            return visitor.xaStart(this);
        }
    }

    /**
     * Ends (TMSUCCESS, TMFAIL) or suspends (TMSUSPEND) the session's association with a branch;
     * the deliveries in {@code consumed} become part of the branch, acknowledged if it commits.
     */
    record XaEnd(long sessionId, XidData xid, int flags, long[] consumed) implements Command<Integer> {
        @Override
        public <E extends Exception> Integer accept(Visitor<E> visitor) throws E {
            return visitor.xaEnd(this);
        }
    }

    /** Prepares an ended branch: durable from now on, until committed or rolled back. */
    record XaPrepare(XidData xid) implements Command<Integer> {
        @Override
        public <E extends Exception> Integer accept(Visitor<E> visitor) throws E {
            return visitor.xaPrepare(this);
        }
    }

    record XaCommit(XidData xid, boolean onePhase) implements Command<Integer> {
        @Override
        public <E extends Exception> Integer accept(Visitor<E> visitor) throws E {
            return visitor.xaCommit(this);
        }
    }

    record XaRollback(XidData xid) implements Command<Integer> {
        @Override
        public <E extends Exception> Integer accept(Visitor<E> visitor) throws E {
            return visitor.xaRollback(this);
        }
    }

    record XaForget(XidData xid) implements Command<Integer> {
        @Override
        public <E extends Exception> Integer accept(Visitor<E> visitor) throws E {
            return visitor.xaForget(this);
        }
    }

    /** Every prepared, unresolved branch, including those recovered from the journal. */
    record XaRecover() implements Command<List<XidData>> {
        @Override
        public <E extends Exception> List<XidData> accept(Visitor<E> visitor) throws E {
            return visitor.xaRecover(this);
        }
    }

    // ---- large messages: a body that travels and is stored in chunks (see LargeBody) ----

    /**
     * Opens the transfer of a large message's body, to be sent to {@code destination} (checked
     * now, so that a send which cannot be made fails before its body travels). The body follows
     * in {@link LargeBodyChunk}s; a {@link Send} whose body is a {@link LargeBody} naming
     * {@code bodyId} ends the transfer and sends the message, or an {@link AbortLargeBody}
     * drops it. {@code bodyId} is the client's, unique within its connection.
     */
    record BeginLargeBody(long sessionId, long bodyId, DestinationName destination) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.beginLargeBody(this);
        }
    }

    /**
     * The next piece of an open large body. With {@code confirm} the sender waits until this
     * chunk and every earlier one are stored, which bounds what the broker holds of a body;
     * without, it need not wait (TCP sends such a chunk one-way), and a failure to store it
     * fails the next confirmed chunk or the Send that ends the transfer.
     */
    record LargeBodyChunk(long sessionId, long bodyId, byte[] data, boolean confirm) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.largeBodyChunk(this);
        }

        /** Commands end up in logs: the bytes never do. */
        @Override
        public String toString() {
            return "LargeBodyChunk[sessionId=" + sessionId + ", bodyId=" + bodyId + ", " + data.length
                    + " bytes, confirm=" + confirm + "]";
        }
    }

    /** The sender gives up an open large body (reading it failed, say): what the broker stored of it goes. */
    record AbortLargeBody(long sessionId, long bodyId) implements Command<Void> {
        @Override
        public <E extends Exception> Void accept(Visitor<E> visitor) throws E {
            return visitor.abortLargeBody(this);
        }
    }

    /**
     * Chunk {@code chunkNo} (from 0) of the body of the large message delivered to the session
     * as {@code deliveryId}, while the delivery is neither acknowledged nor taken back; null
     * past the body's last chunk. A body is read a chunk at a time, so neither side holds it
     * whole unless the application asks for it whole.
     */
    record ReadLargeBody(long sessionId, long deliveryId, int chunkNo) implements Command<byte[]> {
        @Override
        public <E extends Exception> byte[] accept(Visitor<E> visitor) throws E {
            return visitor.readLargeBody(this);
        }
    }
}
