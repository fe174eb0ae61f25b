package org.ferrymq.security;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.TreeSet;
import org.ferrymq.api.BrokerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a connection's user may do, from the broker's permissions file
 * ({@link Permissions}). Three cases:
 * <ul>
 *   <li>security off (no users configured, credentials not required): everything is allowed;
 *   <li>users but no permissions file: whoever got in may do everything, so that turning users
 *       on does not break an application;
 *   <li>a permissions file: only what it grants to one of the user's roles; the rest is refused
 *       with a JMSSecurityException naming the user, the operation, the destination and the
 *       lines that would grant it.
 * </ul>
 * The file is read once, when the broker starts; a change takes effect on the next start.
 */
public final class Authorizer {

    private static final Logger LOG = LoggerFactory.getLogger(Authorizer.class);

    private final BrokerConfig config;
    /** Null: no permissions file, everything is allowed. */
    private final Permissions permissions;

    private Authorizer(BrokerConfig config, Permissions permissions) {
        this.config = config;
        this.permissions = permissions;
    }

    /** The authorizer of a broker with {@code config}: its permissions file read now. */
    public static Authorizer start(BrokerConfig config) throws JMSException {
        if (config.permissionsFile() == null) {
            return new Authorizer(config, null);
        }
        if (!config.hasUsers() && !config.requireCredentials()) {
            throw new JMSException("Broker '" + config.name() + "' has a permissions file (setting '"
                    + BrokerConfig.PERMISSIONS_FILE + "') but no users, so every connection would be anonymous; "
                    + "configure users (setting '" + BrokerConfig.USERS + "', '" + BrokerConfig.USERS_FILE + "' or '"
                    + BrokerConfig.JAAS_REALM + "'), or remove the setting");
        }
        try {
            return new Authorizer(config, Permissions.read(config.permissionsFile()));
        } catch (NoSuchFileException e) {
            throw new JMSException("Broker '" + config.name() + "' has no permissions file " + config.permissionsFile()
                    + " (setting '" + BrokerConfig.PERMISSIONS_FILE + "'); create it with lines "
                    + "OPERATION.PATTERN=ROLE,ROLE, or correct the setting");
        } catch (IOException | IllegalArgumentException e) {
            throw new JMSException("Broker '" + config.name() + "' cannot read its permissions file "
                    + config.permissionsFile() + " (setting '" + BrokerConfig.PERMISSIONS_FILE + "'): "
                    + e.getMessage());
        }
    }

    /** Whether a permissions file restricts what users may do; without one, everything is allowed. */
    public boolean restricts() {
        return permissions != null;
    }

    /** Whether users are told apart at all: security is on (users configured, or credentials required). */
    public boolean securityOn() {
        return config.hasUsers() || config.requireCredentials();
    }

    /** Whether {@code who} may do {@code operation} on the destination {@code name}. */
    public boolean allows(Identity who, Operation operation, String name) {
        return permissions == null || permissions.allows(operation, name, who.roles());
    }

    /**
     * Whether {@code who} may manage the whole broker ({@code manage.#}): see and finish every
     * user's XA branches. Everyone may without a permissions file.
     */
    public boolean mayManage(Identity who) {
        return permissions == null || permissions.allowsEverywhere(Operation.MANAGE, who.roles());
    }

    /**
     * Refuses {@code operation} on {@code kind} (queue, topic) {@code name} unless {@code who}
     * may do it; the message says what would grant it.
     */
    public void check(Identity who, Operation operation, String kind, String name) throws JMSSecurityException {
        if (allows(who, operation, name)) {
            return;
        }
        List<String> lines = permissions.linesFor(operation, name);
        String roles = who.roles().isEmpty() ? "no roles" : "roles " + String.join(", ", new TreeSet<>(who.roles()));
        LOG.info("Broker '{}' refused {} on {} '{}' to {}", config.name(), operation.key(), kind, name,
                who.user() == null ? "a connection without a user name" : "user '" + who.user() + "'");
        throw new JMSSecurityException(who.shown() + " may not " + operation.key() + " on " + kind + " '" + name
                + "' of broker '" + config.name() + "': it has " + roles + ", and "
                + (lines.isEmpty() ? "no line of the permissions file grants " + operation.key() + " on '" + name + "'"
                        : "the lines granting it are " + String.join("; ", lines))
                + " (permissions file " + config.permissionsFile() + ", broker setting '"
                + BrokerConfig.PERMISSIONS_FILE + "'); ask an administrator for one of those roles or a line "
                + operation.key() + "." + name + "=ROLE");
    }
}
