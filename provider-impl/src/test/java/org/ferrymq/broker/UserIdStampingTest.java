package org.ferrymq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code stampUserId=true} a receiver can trust JMSXUserID: the broker sets it to the
 * sending connection's user, whatever the sender put there; without the setting it is the
 * sender's to set.
 */
class UserIdStampingTest {

    private final String name = "stamp-" + UUID.randomUUID();
    private final Opened opened = new Opened();

    @AfterEach
    void stop() {
        opened.closeAll();
        EmbeddedBroker.stop(name);
    }

    private Session session(String user, String password) throws Exception {
        Connection connection = opened.track(new FerryConnectionFactory("vm://" + name)
                .createConnection(user, password));
        connection.start();
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /** What a receiver sees as JMSXUserID of a message {@code user} sent claiming to be admin. */
    private String claimedAsAdminBy(String user, String password) throws Exception {
        Session sender = session(user, password);
        Message forged = sender.createTextMessage("trust me");
        forged.setStringProperty("JMSXUserID", "admin");
        sender.createProducer(sender.createQueue("inbox")).send(forged);
        Session receiver = session("alice", "a");
        try (var consumer = receiver.createConsumer(receiver.createQueue("inbox"))) {
            return consumer.receive(5000).getStringProperty("JMSXUserID");
        }
    }

    @Test
    void theBrokerOverwritesJMSXUserIdWithTheSendingUser() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().addUser("alice", "a").stampUserId(true)
                .requireCredentials(false));
        assertEquals("alice", claimedAsAdminBy("alice", "a"));
        assertNull(claimedAsAdminBy(null, null), "a connection without a user name sends no JMSXUserID");
    }

    @Test
    void withoutTheSettingJMSXUserIdIsWhatTheSenderSet() throws Exception {
        EmbeddedBroker.start(new BrokerConfig(name).memoryJournal().addUser("alice", "a"));
        assertEquals("admin", claimedAsAdminBy("alice", "a"));
    }
}
