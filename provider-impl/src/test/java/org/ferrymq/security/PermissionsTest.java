package org.ferrymq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The matching rule of a permissions file, as its README section states it. */
class PermissionsTest {

    @TempDir
    Path dir;

    private Permissions read(String... lines) throws Exception {
        return Permissions.read(Files.writeString(dir.resolve("permissions.properties"), String.join("\n", lines)));
    }

    @Test
    void aStarMatchesExactlyOneSegment() throws Exception {
        Permissions p = read("send.orders.*=producers");
        Set<String> producers = Set.of("producers");
        assertTrue(p.allows(Operation.SEND, "orders.eu", producers));
        assertFalse(p.allows(Operation.SEND, "orders", producers));
        assertFalse(p.allows(Operation.SEND, "orders.eu.paris", producers));
        assertFalse(p.allows(Operation.SEND, "ordersx.eu", producers));
    }

    @Test
    void aHashMatchesAnyNumberOfSegmentsNoneIncluded() throws Exception {
        Permissions p = read("consume.orders.#=consumers", "browse.#=auditors", "send.a.#.z=x");
        Set<String> consumers = Set.of("consumers");
        assertTrue(p.allows(Operation.CONSUME, "orders", consumers));
        assertTrue(p.allows(Operation.CONSUME, "orders.eu", consumers));
        assertTrue(p.allows(Operation.CONSUME, "orders.eu.paris", consumers));
        assertFalse(p.allows(Operation.CONSUME, "invoices", consumers));
        assertTrue(p.allows(Operation.BROWSE, "anything.at.all", Set.of("auditors")));
        assertTrue(p.allows(Operation.SEND, "a.z", Set.of("x")));
        assertTrue(p.allows(Operation.SEND, "a.b.c.z", Set.of("x")));
        assertFalse(p.allows(Operation.SEND, "a.b.c", Set.of("x")));
    }

    @Test
    void grantsAddUpAndAnotherOperationGrantsNothing() throws Exception {
        Permissions p = read("send.orders.#=producers", "send.orders.eu=eu-team", "consume.orders.#=consumers");
        assertTrue(p.allows(Operation.SEND, "orders.eu", Set.of("producers")), "the wider line still grants");
        assertTrue(p.allows(Operation.SEND, "orders.eu", Set.of("eu-team")));
        assertFalse(p.allows(Operation.SEND, "orders.us", Set.of("eu-team")));
        assertFalse(p.allows(Operation.SEND, "orders.eu", Set.of("consumers")));
        assertEquals(List.of("send.orders.#=producers", "send.orders.eu=eu-team"), p.linesFor(Operation.SEND,
                "orders.eu"));
    }

    @Test
    void theRoleStarIsEveryone() throws Exception {
        Permissions p = read("consume.public.#=*");
        assertTrue(p.allows(Operation.CONSUME, "public.news", Set.of()));
        assertFalse(p.allows(Operation.SEND, "public.news", Set.of()));
    }

    @Test
    void manageEverywhereNeedsTheHashPattern() throws Exception {
        Permissions p = read("manage.#=admins", "manage.orders.#=order-admins");
        assertTrue(p.allowsEverywhere(Operation.MANAGE, Set.of("admins")));
        assertFalse(p.allowsEverywhere(Operation.MANAGE, Set.of("order-admins")));
    }
}
