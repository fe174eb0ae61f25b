package org.ferrymq.standalone;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.security.PasswordHash;
import org.ferrymq.security.UsersFile;

/**
 * {@code bin/ferrymq user add|passwd|rm NAME}: keeps the users file the server's settings name
 * ({@code usersFile}, default {@code etc/users.properties}). A password is read from the
 * terminal without echo, twice, or else as one line of standard input (for scripts); it is
 * stored only as a salted hash and never printed. The file is replaced in one step, so a
 * running server, which reads it again when it changes, sees the old users or the new ones.
 *
 * <pre>
 * UserCommand SETTINGS_FILE add|passwd|rm NAME      (home: system property ferrymq.home)
 * </pre>
 */
public final class UserCommand {

    static final int DONE = 0;
    /** The user exists already (add), or does not (passwd, rm), or the file cannot be written. */
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final String DEFAULT_USERS_FILE = "etc/users.properties";
    private static final String USAGE_TEXT = "usage: bin/ferrymq user add|passwd|rm NAME";

    private UserCommand() {
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("ferrymq.home", ".")).toAbsolutePath();
        System.exit(run(args, home, System.console(), System.in, System.out, System.err));
    }

    /**
     * Carries out one command; answers the exit status. {@code console} null: the password is
     * the first line of {@code stdin}.
     */
    static int run(String[] args, Path home, Console console, InputStream stdin, PrintStream out, PrintStream err) {
        if (args.length != 3 || !List.of("add", "passwd", "rm").contains(args[1])) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String action = args[1];
        String name = args[2];
        try {
            UsersFile.checkName(name);
            Settings settings = settings(Path.of(args[0]), home);
            UsersFile users = Files.exists(settings.usersFile) ? UsersFile.read(settings.usersFile) : UsersFile.empty();
            UsersFile.User user = users.user(name);
            if (action.equals("add") == (user != null)) {
                err.println(action.equals("add") ? "User '" + name + "' exists already in " + settings.usersFile
                        + "; change the password with bin/ferrymq user passwd " + name
                        : "User '" + name + "' is not in " + settings.usersFile + "; add it with bin/ferrymq user add "
                        + name);
                return FAILED;
            }
            if (action.equals("rm")) {
                users.without(name).write(settings.usersFile);
                out.println("Removed user '" + name + "' from " + settings.usersFile);
                return DONE;
            }
            char[] password = password(name, console, stdin);
            try {
                PasswordHash hash = PasswordHash.of(password);
                users.with(new UsersFile.User(name, hash, user == null ? List.of() : user.roles()))
                        .write(settings.usersFile);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println((action.equals("add") ? "Added user '" + name + "' to " : "Changed the password of user '"
                    + name + "' in ") + settings.usersFile);
            if (!settings.named) {
                out.println("The server reads this file once " + args[0] + " says " + BrokerConfig.USERS_FILE + "="
                        + DEFAULT_USERS_FILE);
            }
            return DONE;
        } catch (IllegalArgumentException | IOException e) {
            err.println("bin/ferrymq user " + action + " " + name + ": " + e.getMessage());
            return FAILED;
        }
    }

    /** The users file, and whether the settings name it (else the server does not read it yet). */
    private record Settings(Path usersFile, boolean named) {
    }

    private static Settings settings(Path file, Path home) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            }
        }
        Path named = ServerSettings.from(properties, home).broker().usersFile();
        return named != null ? new Settings(named, true) : new Settings(home.resolve(DEFAULT_USERS_FILE), false);
    }

    private static char[] password(String name, Console console, InputStream stdin) throws IOException {
        char[] password;
        if (console != null) {
            password = console.readPassword("Password for %s: ", name);
            char[] again = console.readPassword("The same password again: ");
            boolean same = password != null && Arrays.equals(password, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                throw new IllegalArgumentException("the two passwords differ; nothing was changed");
            }
        } else {
            // not a terminal: the first line of standard input, so that scripts can set passwords
            String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password.length == 0) {
            throw new IllegalArgumentException("the password is empty; nothing was changed");
        }
        return password;
    }
}
