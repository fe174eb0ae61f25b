package org.ferrymq.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The users of a broker as a users file keeps them ({@code etc/users.properties}): one line
 * {@code NAME=}{@link PasswordHash} per user, and optionally {@code NAME.roles=ROLE,ROLE} (the
 * roles a permissions file grants to, see {@link Permissions}). Never a password in plain text.
 * Values are immutable: {@link #with} and {@link #without} give new ones, {@link #write}
 * replaces the file in one step, so a broker reading it never sees half a file.
 */
public final class UsersFile {

    /** The suffix of a user's roles line. */
    public static final String ROLES = ".roles";
    /** Letters, digits and {@code . _ - @}: a name needs no escaping in the file, a log line or a shell. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");

    /** One user: the hash of their password and their roles. */
    public record User(String name, PasswordHash password, List<String> roles) {
        public User {
            checkName(name);
            roles = List.copyOf(roles);
            roles.forEach(role -> check(role, "A role"));
        }
    }

    private final Map<String, User> users;

    private UsersFile(Map<String, User> users) {
        this.users = Collections.unmodifiableMap(users);
    }

    public static UsersFile empty() {
        return new UsersFile(new TreeMap<>());
    }

    /**
     * Reads a users file.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException naming the user whose line is wrong, never quoting a value
     */
    public static UsersFile read(Path file) throws IOException {
        Properties lines = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines.load(in);
        }
        Map<String, User> users = new TreeMap<>();
        for (String key : lines.stringPropertyNames()) {
            if (key.endsWith(ROLES)) {
                String user = key.substring(0, key.length() - ROLES.length());
                if (lines.getProperty(user) == null) {
                    throw new IllegalArgumentException("Users file " + file + " gives roles to '" + user
                            + "', who has no password line; add the user or remove the line");
                }
                continue;
            }
            PasswordHash hash;
            try {
                hash = PasswordHash.parse(lines.getProperty(key));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Users file " + file + ": the password of user '" + key + "' "
                        + e.getMessage());
            }
            try {
                users.put(key, new User(key, hash, split(lines.getProperty(key + ROLES, ""))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Users file " + file + ": " + e.getMessage());
            }
        }
        return new UsersFile(users);
    }

    /** The user of this name, or null. */
    public User user(String name) {
        return users.get(name);
    }

    public UsersFile with(User user) {
        Map<String, User> changed = new TreeMap<>(users);
        changed.put(user.name(), user);
        return new UsersFile(changed);
    }

    public UsersFile without(String name) {
        Map<String, User> changed = new TreeMap<>(users);
        changed.remove(name);
        return new UsersFile(changed);
    }

    /**
     * Replaces {@code file} with these users in one step: written to a new file beside it
     * (readable by its owner only, where the file system has POSIX permissions), then moved
     * over it.
     */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("# FerryMQ users, written by bin/ferrymq user (add, passwd, rm). One line per user:\n")
                .append("#   NAME=").append(PasswordHash.ALGORITHM).append(":<iterations>:<salt>:<hash>\n")
                .append("# and optionally NAME").append(ROLES).append("=ROLE,ROLE. Never a password in plain text.\n");
        for (User user : users.values()) {
            text.append(user.name()).append('=').append(user.password()).append('\n');
            if (!user.roles().isEmpty()) {
                text.append(user.name()).append(ROLES).append('=').append(String.join(",", user.roles())).append('\n');
            }
        }
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = directory.resolve(file.getFileName() + ".new");
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("Another bin/ferrymq user command is writing " + file + " (" + temporary
                    + " exists); wait for it, or remove " + temporary + " if none runs");
        }
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Refuses a user name the file cannot hold as it is. */
    public static void checkName(String name) {
        check(name, "A user name");
        if (name.endsWith(ROLES)) {
            throw new IllegalArgumentException("A user name must not end in " + ROLES + "; that suffix names a user's"
                    + " roles in the users file");
        }
    }

    private static void check(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 128 letters, digits, '.', '_', '-' or '@'");
        }
    }

    private static List<String> split(String roles) {
        return roles.isBlank() ? List.of() : List.of(roles.trim().split("\\s*,\\s*"));
    }
}
