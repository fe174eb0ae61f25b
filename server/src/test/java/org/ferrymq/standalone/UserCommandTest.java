package org.ferrymq.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.JMSSecurityException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.ferrymq.client.FerryConnectionFactory;
import org.ferrymq.security.UsersFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/ferrymq user}, run through its Java entry point as the script runs it, the password on stdin. */
class UserCommandTest {

    @TempDir
    Path home;

    private Path settings;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void distribution() throws Exception {
        Files.createDirectories(home.resolve("etc"));
        settings = Files.writeString(home.resolve("etc/broker.properties"), "usersFile=etc/users.properties\n");
    }

    private int user(String action, String name, String stdin) {
        out.reset();
        err.reset();
        return UserCommand.run(new String[] {settings.toString(), action, name}, home, null,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private UsersFile users() throws Exception {
        return UsersFile.read(home.resolve("etc/users.properties"));
    }

    @Test
    void addPasswdAndRmKeepTheUsersFileWithHashesOnly() throws Exception {
        assertEquals(UserCommand.DONE, user("add", "alice", "first-TOPSECRET\n"), printed());
        assertTrue(printed().contains("Added user 'alice' to " + home.resolve("etc/users.properties")), printed());
        assertTrue(users().user("alice").password().matches("first-TOPSECRET".toCharArray()));

        assertEquals(UserCommand.DONE, user("passwd", "alice", "second-TOPSECRET\n"), printed());
        assertFalse(users().user("alice").password().matches("first-TOPSECRET".toCharArray()));
        assertTrue(users().user("alice").password().matches("second-TOPSECRET".toCharArray()));
        assertEquals(UserCommand.DONE, user("add", "bob", "b0b"), printed());

        String file = Files.readString(home.resolve("etc/users.properties"));
        assertFalse(file.contains("TOPSECRET"), file);
        assertFalse(printed().contains("TOPSECRET"), printed());
        assertFalse(Files.exists(home.resolve("etc/users.properties.new")), "the temporary file was left behind");

        assertEquals(UserCommand.DONE, user("rm", "alice", ""), printed());
        assertNull(users().user("alice"));
        assertTrue(users().user("bob").password().matches("b0b".toCharArray()));
    }

    @Test
    void passwdKeepsTheUsersRoles() throws Exception {
        user("add", "alice", "pw\n");
        Path file = home.resolve("etc/users.properties");
        Files.writeString(file, Files.readString(file) + "alice.roles=producers,admins\n");
        assertEquals(UserCommand.DONE, user("passwd", "alice", "new-pw\n"), printed());
        assertEquals(List.of("producers", "admins"), users().user("alice").roles());
    }

    @Test
    void mistakesChangeNothingAndSayWhatToDo() throws Exception {
        assertEquals(UserCommand.FAILED, user("passwd", "nobody", "pw\n"));
        assertTrue(printed().contains("bin/ferrymq user add nobody"), printed());
        user("add", "alice", "pw\n");
        assertEquals(UserCommand.FAILED, user("add", "alice", "other\n"));
        assertTrue(printed().contains("bin/ferrymq user passwd alice"), printed());
        assertTrue(users().user("alice").password().matches("pw".toCharArray()));
        assertEquals(UserCommand.FAILED, user("add", "bob", ""));
        assertTrue(printed().contains("the password is empty"), printed());
        assertEquals(UserCommand.FAILED, user("add", "bad name", "pw\n"));
        assertEquals(UserCommand.FAILED, user("rm", "nobody", ""));
        assertEquals(UserCommand.USAGE, user("delete", "alice", ""));
        assertNull(users().user("bob"));
    }

    @Test
    void withoutUsersFileInTheSettingsItWritesTheDefaultFileAndSaysHowToUseIt() throws Exception {
        Files.writeString(settings, "name=orders\n");
        assertEquals(UserCommand.DONE, user("add", "alice", "pw\n"), printed());
        assertNotNull(users().user("alice"));
        assertTrue(printed().contains("usersFile=etc/users.properties"), printed());
    }

    @Test
    void theServerLetsInTheUsersTheCommandAdded() throws Exception {
        Files.writeString(settings, "usersFile=etc/users.properties\njournal=memory\nlisten=tcp://127.0.0.1:0\n"
                + "name=users-" + System.nanoTime() + "\n");
        user("add", "alice", "s3cret\n");
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(settings)) {
            properties.load(in);
        }
        try (FerryServer server = FerryServer.start(ServerSettings.from(properties, home))) {
            FerryConnectionFactory factory = new FerryConnectionFactory("tcp://127.0.0.1:" + server.port());
            factory.createConnection("alice", "s3cret").close();
            assertThrows(JMSSecurityException.class,
                    () -> factory.createConnection("alice", "wrong"));
            user("add", "bob", "b0b\n"); // a running server takes a new user without a restart
            factory.createConnection("bob", "b0b").close();
        }
    }
}
