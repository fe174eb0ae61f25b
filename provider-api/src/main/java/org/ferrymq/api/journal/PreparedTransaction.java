package org.ferrymq.api.journal;

import java.util.List;

/**
 * A prepared XA transaction branch, as the broker journals it and as the journal gives it
 * back on start. Until the branch ends, its sends are stored but on no queue, and the places
 * it acknowledged stay on their queues, locked away from consumers.
 *
 * @param txNo the broker's number for the branch, unique in its journal (drawn from the same
 *     sequence as message numbers)
 * @param formatId the Xid's format identifier
 * @param globalId the Xid's global transaction id
 * @param branchId the Xid's branch qualifier
 * @param sends each message the branch sent, once per durable queue it goes to on commit; a
 *     message sent to several queues appears once per queue, and is stored once
 * @param acks the places the branch acknowledged: removed on commit, delivered again on rollback
 */
public record PreparedTransaction(long txNo, int formatId, byte[] globalId, byte[] branchId, List<Send> sends,
        List<Ack> acks) {

    public PreparedTransaction {
        sends = List.copyOf(sends);
        acks = List.copyOf(acks);
    }

    /** A message bound for queue {@code queueId} when the branch commits. */
    public record Send(long queueId, StoredMessage message) {}

    /** A place on queue {@code queueId} the branch acknowledged; on replay it carries its message and delivery count. */
    public record Ack(long queueId, StoredReference reference) {}
}
