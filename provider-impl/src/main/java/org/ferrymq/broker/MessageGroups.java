package org.ferrymq.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ferrymq.protocol.MessageData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message groups of one queue: messages with the same {@code JMSXGroupID} go to one consumer
 * at a time, in order. Kept by its {@link MessageQueue}, under the queue's monitor.
 *
 * <p>Invariant: of a group's waiting entries only the first (its head, in delivery order) is
 * offered for dispatch, and only where the group may go now: to its owner alone
 * ({@link BrokerConsumer#groupHeads}) while the group is pinned; to any consumer, among the
 * queue's available entries, while it is pinned to none and nothing of it is in flight; nowhere
 * while it is pinned to none and some of it is still in flight. So a group's messages go out in
 * order, and never are in two consumers' hands at once.
 *
 * <p>A group is pinned to the consumer its head goes to when it is pinned to none. It loses its
 * pin when that consumer closes, when a message with {@code JMSXGroupSeq} -1 goes out (it ends
 * the group), when the consumer's selector does not take the group's next message, or when a
 * new group takes the pin; its next message then waits until what the group has in flight is
 * acknowledged or comes back (returned messages go first, in their order), and pins the group
 * anew. A queue keeps at most {@code maxGroups} pins: a new group takes the pin of the least
 * recently used pinned group with nothing in flight; when every pinned group has messages in
 * flight, the new group is served unpinned, one message at a time, and a warning is logged once.
 * {@code maxGroups} 0 turns groups off for new messages. Pins live in memory only: after a
 * restart, groups are pinned again as their messages go out.
 */
final class MessageGroups {

    private static final Logger LOG = LoggerFactory.getLogger(MessageGroups.class);

    static final String GROUP_ID = "JMSXGroupID";
    static final String GROUP_SEQ = "JMSXGroupSeq";

    /** One group's state. */
    static final class Group {
        final String id;
        /** The consumer the group is pinned to; null while it is pinned to none. */
        BrokerConsumer owner;
        /** The group's waiting entries, in delivery order; the first is its head. */
        final TreeSet<QueueEntry> waiting = new TreeSet<>(QueueEntry.DELIVERY_ORDER);
        /** The head as offered (to the owner, or among the available entries); null while not offered. */
        QueueEntry offered;
        /** Entries of the group dispatched and neither acknowledged nor returned. */
        int inFlight;

        Group(String id) {
            this.id = id;
        }
    }

    private final MessageQueue queue;
    /** Every group pinned, waiting or in flight; a group with none of these is forgotten. */
    private final Map<String, Group> groups = new HashMap<>();
    /** The pinned groups with nothing in flight, least recently used first: those a new group may take the pin of. */
    private final LinkedHashSet<Group> idle = new LinkedHashSet<>();
    private int pinned;
    /** Waiting entries of all groups. */
    private int waiting;
    /** Heads offered to their owners: while there are some, a queue with no available entry still dispatches. */
    private int offeredToOwners;
    private boolean limitReported;

    MessageGroups(MessageQueue queue) {
        this.queue = queue;
    }

    /** The group ID of a message, read once per message; null for a message without one. */
    static String groupOf(MessageData message) {
        return message.properties().isEmpty() ? null : message.properties().get(GROUP_ID) instanceof String id
                ? id : null;
    }

    /**
     * An entry of a group starts waiting (new, returned, or read back from the journal); answers
     * false when it is not the groups' business (groups turned off and the entry never in one).
     */
    boolean add(QueueEntry entry) {
        if (entry.group == null && queue.policy().maxGroups() == 0) {
            return false;
        }
        Group group = groups.computeIfAbsent(entry.message.groupId, Group::new);
        entry.group = group;
        withdraw(group);
        group.waiting.add(entry);
        waiting++;
        offer(group);
        return true;
    }

    /** The offered head of {@code entry}'s group goes to {@code consumer}: its owner, or the one the queue picked. */
    void dispatched(QueueEntry entry, BrokerConsumer consumer) {
        Group group = entry.group;
        withdraw(group);
        group.waiting.remove(entry);
        waiting--;
        if (group.owner == null) {
            pin(group, consumer);
        } else {
            idle.remove(group);
        }
        group.inFlight++;
        if (group.owner != null && endsGroup(entry)) {
            unpin(group);
        }
        offer(group);
    }

    /** An offered head expired before it went out: it is dropped. */
    void discarded(QueueEntry entry) {
        Group group = entry.group;
        withdraw(group);
        group.waiting.remove(entry);
        waiting--;
        offer(group);
        forgetIfUnused(group);
    }

    /**
     * A dispatched entry leaves flight: acknowledged, or given back (then {@link #add} follows,
     * unless it is dead-lettered). Answers whether the group's head is now offered to any
     * consumer, so the queue should dispatch.
     */
    boolean settled(QueueEntry entry) {
        Group group = entry.group;
        if (--group.inFlight > 0) {
            return false;
        }
        if (group.owner != null) {
            idle.add(group);
            return false;
        }
        offer(group);
        forgetIfUnused(group);
        return group.offered != null;
    }

    /** A consumer closed: its groups lose their pin, and wait for what they have in flight. */
    void consumerClosed(BrokerConsumer consumer) {
        if (consumer.groupHeads == null) {
            return; // it never was pinned a group
        }
        for (Group group : new ArrayList<>(groups.values())) {
            if (group.owner == consumer) {
                withdraw(group);
                unpin(group);
                offer(group);
                forgetIfUnused(group);
            }
        }
        consumer.groupHeads = null;
    }

    /**
     * For a new message of group {@code id}: whether it would go out at once, null when the
     * group is neither pinned, waiting, nor in flight (then it goes as any message would).
     */
    Boolean takenAtOnce(String id, MessageData message) {
        Group group = groups.get(id);
        if (group == null || (group.owner == null && group.inFlight == 0 && group.waiting.isEmpty())) {
            return null;
        }
        return group.owner != null && group.waiting.isEmpty() && group.owner.mayTake()
                && queue.takes(group.owner, message);
    }

    /** Whether some group's head is offered to its owner. */
    boolean offeredToOwners() {
        return offeredToOwners > 0;
    }

    /** How many entries of groups are waiting (a few are among the queue's available ones, too). */
    int waiting() {
        return waiting;
    }

    /** The waiting entries of groups that are not among the queue's available ones. */
    List<QueueEntry> held() {
        List<QueueEntry> held = new ArrayList<>();
        for (Group group : groups.values()) {
            for (QueueEntry entry : group.waiting) {
                if (group.owner != null || entry != group.offered) {
                    held.add(entry);
                }
            }
        }
        return held;
    }

    /** The queue is deleted: every group is forgotten. */
    void clear() {
        for (Group group : groups.values()) {
            if (group.owner != null) {
                group.owner.groupHeads = null;
            }
        }
        groups.clear();
        idle.clear();
        pinned = 0;
        waiting = 0;
        offeredToOwners = 0;
    }

    // ---- the invariant's moves ----

    /** Takes the group's head back from where it is offered; the group is then changed and offered again. */
    private void withdraw(Group group) {
        QueueEntry head = group.offered;
        if (head == null) {
            return;
        }
        group.offered = null;
        if (group.owner != null) {
            group.owner.groupHeads.remove(head);
            offeredToOwners--;
        } else {
            queue.removeAvailable(head);
        }
    }

    /** Offers the group's head where the invariant says (the group's head is not offered now). */
    private void offer(Group group) {
        if (group.waiting.isEmpty()) {
            return;
        }
        QueueEntry head = group.waiting.first();
        if (group.owner != null && !queue.takes(group.owner, head.message.data)) {
            unpin(group); // its owner's selector does not take the group's next message
        }
        if (group.owner != null) {
            group.owner.groupHeads.add(head);
            offeredToOwners++;
            group.offered = head;
        } else if (group.inFlight == 0) {
            queue.makeAvailable(head);
            group.offered = head;
        }
        // else: it waits until what the group has in flight is settled
    }

    private void pin(Group group, BrokerConsumer consumer) {
        int max = queue.policy().maxGroups();
        while (pinned >= max && !idle.isEmpty()) {
            Iterator<Group> leastRecentlyUsed = idle.iterator();
            Group evicted = leastRecentlyUsed.next();
            withdraw(evicted);
            unpin(evicted);
            offer(evicted);
            forgetIfUnused(evicted);
        }
        if (pinned >= max) {
            if (!limitReported) {
                limitReported = true;
                LOG.warn("Queue '{}' keeps {} pinned message groups (maxGroups), all with messages in flight: the new "
                        + "group '{}', and any other until a pinned group is idle, is delivered unpinned, one message "
                        + "at a time to any consumer; raise the destination's maxGroups if this is not a passing burst",
                        queue.name, max, group.id);
            }
            return;
        }
        group.owner = consumer;
        pinned++;
        if (consumer.groupHeads == null) {
            consumer.groupHeads = new TreeSet<>(QueueEntry.DELIVERY_ORDER);
        }
    }

    private void unpin(Group group) {
        group.owner = null;
        pinned--;
        idle.remove(group);
    }

    private void forgetIfUnused(Group group) {
        if (group.owner == null && group.inFlight == 0 && group.waiting.isEmpty() && groups.get(group.id) == group) {
            groups.remove(group.id);
        }
    }

    /** Whether the entry's message ends its group: {@code JMSXGroupSeq} -1. */
    private static boolean endsGroup(QueueEntry entry) {
        return entry.message.data.properties().get(GROUP_SEQ) instanceof Integer seq && seq == -1;
    }
}
