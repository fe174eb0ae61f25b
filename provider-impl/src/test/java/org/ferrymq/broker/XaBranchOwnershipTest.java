package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.client.FerryXAConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.ferrymq.testing.TestXid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * An XA branch belongs to the user who started it: a connection of another user may not join,
 * prepare, commit, roll back or forget it, nor see it in recover(), unless that user may manage
 * the broker ({@code manage.#}); the refused call leaves the branch as it was.
 */
class XaBranchOwnershipTest {

    @TempDir
    Path dir;

    private final String name = "xa-owner-" + UUID.randomUUID();
    private final Opened opened = new Opened();

    @BeforeEach
    void start() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().addQueue("work")
                .set(BrokerConfig.USERS, "alice:a,bob:b,admin:x")
                .set(BrokerConfig.USER_ROLES, "alice:workers,bob:workers,admin:admins")
                .permissionsFile(Files.writeString(dir.resolve("permissions.properties"),
                        "send.#=workers,admins\nconsume.#=workers,admins\nmanage.#=admins\n")));
    }

    @AfterEach
    void stop() {
        opened.closeAll();
        EmbeddedBroker.stop(name);
    }

    private XASession xaSession(String user, String password) throws Exception {
        XAConnection connection = opened.track(new FerryXAConnectionFactory("vm://" + name)
                .createXAConnection(user, password));
        return connection.createXASession();
    }

    private static boolean lists(XAResource resource, Xid xid) throws XAException {
        Xid[] inDoubt = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        return Arrays.stream(inDoubt).anyMatch(x -> x.getFormatId() == xid.getFormatId()
                && Arrays.equals(x.getGlobalTransactionId(), xid.getGlobalTransactionId())
                && Arrays.equals(x.getBranchQualifier(), xid.getBranchQualifier()));
    }

    private static void refused(Executable call) {
        XAException e = assertThrows(XAException.class, call);
        assertEquals(XAException.XAER_RMERR, e.errorCode);
        assertTrue(e.getMessage().contains("User 'bob' may not act on") && e.getMessage().contains("manage.#"),
                e.getMessage());
    }

    /** A branch of alice that sent one message to work, ended; prepared when asked. */
    private Xid alicesBranch(XASession alice, boolean prepare) throws Exception {
        Xid xid = TestXid.next();
        XAResource resource = alice.getXAResource();
        resource.start(xid, XAResource.TMNOFLAGS);
        Session session = alice.getSession();
        session.createProducer(session.createQueue("work")).send(session.createTextMessage("in " + xid));
        resource.end(xid, XAResource.TMSUCCESS);
        if (prepare) {
            resource.prepare(xid);
        }
        return xid;
    }

    private String received() throws Exception {
        try (Connection connection = new FerryConnectionFactory("vm://" + name).createConnection("admin", "x")) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage message = (TextMessage) session.createConsumer(session.createQueue("work")).receive(500);
            return message == null ? null : message.getText();
        }
    }

    @Test
    void anotherUserCannotFinishAPreparedBranchNorSeeItInRecover() throws Exception {
        XASession alice = xaSession("alice", "a");
        Xid xid = alicesBranch(alice, true);
        XAResource bob = xaSession("bob", "b").getXAResource();

        assertFalse(lists(bob, xid), "bob's recover lists alice's branch");
        refused(() -> bob.commit(xid, false));
        refused(() -> bob.rollback(xid));
        refused(() -> bob.forget(xid));
        assertNull(received(), "a refused commit delivered the message");

        assertTrue(lists(alice.getXAResource(), xid));
        assertTrue(lists(xaSession("admin", "x").getXAResource(), xid), "a user with manage.# sees every branch");
        alice.getXAResource().commit(xid, false);
        assertEquals("in " + xid, received(), "the refused rollback undid alice's branch");
    }

    @Test
    void anotherUserCannotJoinOrPrepareAnUnpreparedBranch() throws Exception {
        XASession alice = xaSession("alice", "a");
        Xid xid = alicesBranch(alice, false);
        XAResource bob = xaSession("bob", "b").getXAResource();
        refused(() -> bob.start(xid, XAResource.TMJOIN));
        refused(() -> bob.prepare(xid));
        refused(() -> bob.commit(xid, true));
        alice.getXAResource().commit(xid, true);
        assertEquals("in " + xid, received());
    }

    @Test
    void aUserWhoMayManageFinishesAnotherUsersBranch() throws Exception {
        Xid xid = alicesBranch(xaSession("alice", "a"), true);
        xaSession("admin", "x").getXAResource().rollback(xid);
        assertNull(received());
    }
}
