package org.ferrymq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.server.EmbeddedBroker;
import org.ferrymq.testing.Logs;
import org.ferrymq.testing.Opened;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker whose users are in a users file, as a client of a real {@code vm://} broker sees it:
 * the right password opens a connection, anything else is a JMSSecurityException; the file holds
 * salted slow hashes only; a changed file counts at once; a failed login is logged with where it
 * came from and never with the password, and answered later the more often it failed.
 */
class UsersFileLoginTest {

    @TempDir
    Path dir;

    private final String name = "users-" + UUID.randomUUID();
    private final Opened opened = new Opened();
    private EmbeddedBroker broker;

    @AfterEach
    void stop() {
        opened.closeAll();
        if (broker != null) {
            broker.stop();
        }
    }

    private Path usersFile(String... userAndPassword) throws Exception {
        UsersFile users = UsersFile.empty();
        for (int i = 0; i < userAndPassword.length; i += 2) {
            users = users.with(new UsersFile.User(userAndPassword[i], PasswordHash.of(userAndPassword[i + 1].toCharArray()),
                    List.of("producers")));
        }
        Path file = dir.resolve("users.properties");
        users.write(file);
        return file;
    }

    private FerryConnectionFactory start(BrokerConfig config) throws JMSException {
        broker = EmbeddedBroker.start(config.memoryJournal());
        return new FerryConnectionFactory("vm://" + name);
    }

    @Test
    void aUserOfTheFileLogsInWithItsPasswordOnly() throws Exception {
        FerryConnectionFactory factory = start(new BrokerConfig(name).usersFile(usersFile("alice", "s3cret")));
        Connection alice = opened.track(factory.createConnection("alice", "s3cret"));
        alice.createSession().close();
        JMSSecurityException wrong = assertThrows(JMSSecurityException.class,
                () -> factory.createConnection("alice", "S3cret"));
        assertEquals("User 'alice' is unknown to broker '" + name + "' or the password is wrong", wrong.getMessage());
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("mallory", "s3cret"));
        assertThrows(JMSSecurityException.class, factory::createConnection, "a connection without a user got in");
    }

    @Test
    void theFileHoldsSaltedSlowHashesNeverThePassword() throws Exception {
        Path file = usersFile("alice", "same-password", "bob", "same-password");
        String text = Files.readString(file);
        assertFalse(text.contains("same-password"), text);
        UsersFile users = UsersFile.read(file);
        String alice = users.user("alice").password().toString();
        String bob = users.user("bob").password().toString();
        assertTrue(alice.startsWith("PBKDF2WithHmacSHA256:210000:"), alice);
        assertNotEquals(alice.substring(alice.lastIndexOf(':')), bob.substring(bob.lastIndexOf(':')),
                "the same password gave the same hash: no salt");
        assertEquals(List.of("producers"), users.user("alice").roles());
        assertTrue(users.user("alice").password().matches("same-password".toCharArray()));
        assertFalse(users.user("alice").password().matches("same-passworD".toCharArray()));
    }

    @Test
    void aChangedUsersFileCountsWithoutARestart() throws Exception {
        Path file = usersFile("alice", "s3cret");
        FerryConnectionFactory factory = start(new BrokerConfig(name).usersFile(file));
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("bob", "b0b"));
        UsersFile.read(file).without("alice")
                .with(new UsersFile.User("bob", PasswordHash.of("b0b".toCharArray()), List.of())).write(file);
        opened.track(factory.createConnection("bob", "b0b"));
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("alice", "s3cret"));
    }

    @Test
    void aMissingOrWrongUsersFileFailsTheStartNamingTheSettingButNoPassword() throws Exception {
        JMSException missing = assertThrows(JMSException.class,
                () -> start(new BrokerConfig(name).usersFile(dir.resolve("none.properties"))));
        assertTrue(missing.getMessage().contains("'usersFile'") && missing.getMessage().contains("bin/ferrymq user add"),
                missing.getMessage());
        Path plain = Files.writeString(dir.resolve("plain.properties"), "alice=TOPSECRET\n");
        JMSException wrong = assertThrows(JMSException.class, () -> start(new BrokerConfig(name).usersFile(plain)));
        assertTrue(wrong.getMessage().contains("user 'alice'"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("TOPSECRET"), wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BrokerConfig(name).set("usersFile", "/etc/passwd"));
    }

    @Test
    void aVmUrlCannotPointTheBrokerAtAUsersFile() throws Exception {
        Path file = usersFile("alice", "s3cret");
        JMSException e = assertThrows(JMSException.class,
                () -> new FerryConnectionFactory("vm://" + name + "?usersFile=" + file).createConnection());
        assertTrue(e.getMessage().contains("'usersFile' is not taken from a URL"), e.getMessage());
        Path config = Files.writeString(dir.resolve("broker.properties"), "journal=memory\nusersFile=" + file + "\n");
        FerryConnectionFactory factory = new FerryConnectionFactory("vm://" + name + "?config=" + config);
        try {
            opened.track(factory.createConnection("alice", "s3cret"));
        } finally {
            EmbeddedBroker.stop(name);
        }
    }

    @Test
    void aFailedLoginIsLoggedWithItsAddressAndUserButNeverThePassword() throws Throwable {
        FerryConnectionFactory factory = start(new BrokerConfig(name).addUser("alice", "s3cret"));
        String log = Logs.of(() -> assertThrows(JMSSecurityException.class,
                () -> factory.createConnection("alice", "guess-TOPSECRET")));
        assertTrue(log.contains("Failed login to broker '" + name + "' as user 'alice' from in-VM"), log);
        assertFalse(log.contains("TOPSECRET"), log);
    }

    @Test
    void eachFurtherFailureOfAUserIsAnsweredNoSoonerThanTheDelayBefore() throws Exception {
        FerryConnectionFactory factory = start(new BrokerConfig(name).addUser("alice", "s3cret"));
        long first = failedLoginMillis(factory);
        long second = failedLoginMillis(factory);
        // lower bounds only (a loaded machine answers later, never sooner): 500 ms, then 1000 ms
        assertTrue(first >= LoginThrottle.FIRST_DELAY_MILLIS - 50, "first failure answered after " + first + " ms");
        assertTrue(second >= 2 * LoginThrottle.FIRST_DELAY_MILLIS - 50, "second failure answered after " + second + " ms");
        opened.track(factory.createConnection("alice", "s3cret")); // the right password still opens at once
    }

    @Test
    void aWrongPasswordInThisJvmDoesNotLockOutTheSameUsersRightPasswordMeanwhile() throws Exception {
        // an MDB with a mistyped password must not make another component of the JVM, logging in as the
        // same user, fail: code in the JVM can do anything anyway, so in-VM failures slow only their caller
        FerryConnectionFactory factory = start(new BrokerConfig(name).addUser("alice", "s3cret"));
        Thread failing = new Thread(() -> failedLoginMillis(factory));
        failing.start();
        Thread.sleep(100); // the failure's delay (500 ms) is under way
        opened.track(factory.createConnection("alice", "s3cret"));
        failing.join();
    }

    private static long failedLoginMillis(FerryConnectionFactory factory) {
        long start = System.nanoTime();
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("alice", "wrong"));
        return (System.nanoTime() - start) / 1_000_000;
    }
}
