package org.ferrymq.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.ferrymq.api.DestinationPattern;

/**
 * The grants of a permissions file: lines {@code OPERATION.PATTERN=ROLE,ROLE}, e.g.
 * {@code send.orders.#=producers,admins}. A pattern is a destination name cut into segments at
 * each {@code .}; a segment {@code *} matches exactly one segment of a name, a segment
 * {@code #} any number of them, none included ({@code orders.#} matches {@code orders},
 * {@code orders.eu} and {@code orders.eu.paris}; {@code #} alone matches every name). The role
 * {@code *} is everyone who may connect.
 *
 * <p>Grants add up and nothing denies: a user may do an operation on a destination when any
 * line of that operation whose pattern matches the destination's name lists one of the user's
 * roles. Queues and topics share the names.
 */
public final class Permissions {

    /** The role that grants to everyone who may connect. */
    public static final String EVERYONE = "*";

    /** One line: a pattern's segments, the roles it lists, and the line as written. */
    private record Grant(DestinationPattern pattern, Set<String> roles, String line) {
        boolean matches(String destination) {
            return pattern.matches(destination);
        }

        boolean grantsTo(Set<String> userRoles) {
            return roles.contains(EVERYONE) || userRoles.stream().anyMatch(roles::contains);
        }
    }

    private final Map<Operation, List<Grant>> grants;

    private Permissions(Map<Operation, List<Grant>> grants) {
        this.grants = grants;
    }

    /**
     * Reads a permissions file.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException naming the line that is wrong and what a line looks like
     */
    public static Permissions read(Path file) throws IOException {
        Properties lines = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines.load(in);
        }
        Map<Operation, List<Grant>> grants = new EnumMap<>(Operation.class);
        for (String key : new TreeSet<>(lines.stringPropertyNames())) {
            int dot = key.indexOf('.');
            Operation operation = Operation.of(dot < 0 ? key : key.substring(0, dot));
            if (operation == null || dot < 0 || dot == key.length() - 1) {
                throw new IllegalArgumentException("Permissions file " + file + ": line '" + key + "' is not "
                        + "OPERATION.PATTERN=ROLE,ROLE; the operations are " + Operation.keys()
                        + ", e.g. send.orders.#=producers");
            }
            String pattern = key.substring(dot + 1);
            DestinationPattern parsed;
            try {
                parsed = DestinationPattern.of(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Permissions file " + file + ", line '" + key + "': "
                        + e.getMessage());
            }
            Set<String> roles = new LinkedHashSet<>();
            for (String role : lines.getProperty(key).split(",")) {
                if (!role.isBlank()) {
                    roles.add(role.trim());
                }
            }
            String line = key + "=" + String.join(",", roles);
            grants.computeIfAbsent(operation, o -> new ArrayList<>()).add(new Grant(parsed, roles, line));
        }
        return new Permissions(grants);
    }

    /** Whether a user of {@code roles} may do {@code operation} on the destination {@code name}. */
    public boolean allows(Operation operation, String name, Set<String> roles) {
        for (Grant grant : grants.getOrDefault(operation, List.of())) {
            if (grant.matches(name) && grant.grantsTo(roles)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a user of {@code roles} may do {@code operation} on every name: a line with the pattern {@code #}. */
    public boolean allowsEverywhere(Operation operation, Set<String> roles) {
        for (Grant grant : grants.getOrDefault(operation, List.of())) {
            if (grant.pattern().matchesEverything() && grant.grantsTo(roles)) {
                return true;
            }
        }
        return false;
    }

    /** The lines of {@code operation} whose pattern matches {@code name}, as written: who could do it. */
    public List<String> linesFor(Operation operation, String name) {
        List<String> lines = new ArrayList<>();
        for (Grant grant : grants.getOrDefault(operation, List.of())) {
            if (grant.matches(name)) {
                lines.add(grant.line());
            }
        }
        return lines;
    }
}
