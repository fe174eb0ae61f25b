package org.ferrymq.security;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.URIParameter;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.protocol.ClientChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who may open a connection to a broker. Users come from the {@code users} setting
 * (plain text, for tests), the users file (salted hashes, read again when it changes) and a
 * JAAS login module, asked in that order; the first that knows the name decides. With no users
 * anywhere and credentials not required, security is off: anybody gets in, under any name.
 *
 * <p>A failed login is logged with the remote address and the user name (never the password)
 * and answered only after a delay that grows with the failures of that name from that address
 * ({@link LoginThrottle}); during it, a login of that name from that address is refused
 * unchecked. The delay is waited out by the thread of the failing connection
 * alone, holding no lock, so other connections go on meanwhile.
 *
 * <p>A user let in gets the roles its source gives it ({@link Identity}): the
 * {@code userRoles} setting for the {@code users} setting's users, the {@code .roles} line of
 * the users file, or, from JAAS, the names of the principals the login modules added to the
 * subject, the one named as the user excepted.
 */
public final class Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    /** Checked against when a name is unknown, so that an unknown name takes as long to refuse as a known one. */
    private static final PasswordHash NOBODY = PasswordHash.of(new char[] {'?'});

    private final BrokerConfig config;
    private final UsersSource usersFile;
    private final Configuration jaas;
    private final LoginThrottle throttle = new LoginThrottle();

    private Authenticator(BrokerConfig config, UsersSource usersFile, Configuration jaas) {
        this.config = config;
        this.usersFile = usersFile;
        this.jaas = jaas;
    }

    /** The authenticator of a broker with {@code config}: its users file and JAAS configuration read now. */
    public static Authenticator start(BrokerConfig config) throws JMSException {
        UsersSource usersFile = config.usersFile() == null ? null : UsersSource.open(config);
        Configuration jaas = null;
        if (config.jaasLoginConfig() != null) {
            try {
                jaas = Configuration.getInstance("JavaLoginConfig", new URIParameter(config.jaasLoginConfig().toUri()));
            } catch (GeneralSecurityException e) {
                throw new JMSException("Broker '" + config.name() + "' cannot read the JAAS login configuration "
                        + config.jaasLoginConfig() + " (setting '" + BrokerConfig.JAAS_LOGIN_CONFIG + "'): "
                        + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
            }
        }
        if (config.jaasRealm() != null && !hasEntry(jaas, config.jaasRealm())) {
            throw new JMSException("Broker '" + config.name() + "' has no JAAS login configuration entry '"
                    + config.jaasRealm() + "' (setting '" + BrokerConfig.JAAS_REALM + "'); add it to "
                    + (config.jaasLoginConfig() == null ? "the JVM's JAAS configuration (java.security.auth.login.config)"
                    : config.jaasLoginConfig() + " (setting '" + BrokerConfig.JAAS_LOGIN_CONFIG + "')")
                    + ", or correct the setting");
        }
        for (String user : config.userRoles().keySet()) {
            if (!config.users().containsKey(user)) {
                throw new JMSException("Broker '" + config.name() + "' setting '" + BrokerConfig.USER_ROLES
                        + "' gives roles to '" + user + "', who is not a user of setting '" + BrokerConfig.USERS
                        + "'; add the user there, or give roles in the users file (" + UsersFile.ROLES + " lines)");
            }
        }
        return new Authenticator(config, usersFile, jaas);
    }

    /** Whether {@code configuration} (null: the JVM's) has the entry {@code realm}. */
    private static boolean hasEntry(Configuration configuration, String realm) {
        try {
            Configuration in = configuration != null ? configuration : Configuration.getConfiguration();
            return in.getAppConfigurationEntry(realm) != null;
        } catch (SecurityException e) { // the JVM's configuration file cannot be read
            return false;
        }
    }

    /**
     * Lets {@code user} in and answers who it is, or throws JMSSecurityException after the
     * failure's delay.
     *
     * @param address where the connection comes from, for the log and the delay
     */
    public Identity authenticate(String user, String password, String address) throws JMSSecurityException {
        if (user == null) {
            if (config.requireCredentials()) {
                LOG.warn("Broker '{}' refused a connection without a user name from {}", config.name(), address);
                throw new JMSSecurityException("Broker '" + config.name()
                        + "' requires a user name and password; pass them to createConnection(user, password)");
            }
            return Identity.ANONYMOUS;
        }
        if (!config.hasUsers() && !config.requireCredentials()) {
            return new Identity(user, Set.of()); // no users configured: security is off
        }
        // during a failure's delay the next guess of that address and user is not even checked; code in this
        // JVM could do anything anyway, so its failures slow only their caller and lock no one out
        boolean lockedOut = !ClientChannel.IN_VM.equals(address) && throttle.lockedOut(address, user);
        Set<String> roles = lockedOut ? null
                : rolesIfKnown(user, password == null ? "" : password);
        if (roles != null) {
            throttle.succeeded(address, user);
            return new Identity(user, roles);
        }
        long delay = throttle.failed(address, user);
        LOG.warn("Failed login to broker '{}' as user '{}' from {}; answered after {} ms", config.name(),
                printable(user), address, delay);
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the refusal stands
        }
        throw new JMSSecurityException("User '" + printable(user) + "' is unknown to broker '" + config.name()
                + "' or the password is wrong");
    }

    /**
     * The identity of a user who proved a certificate over mutual TLS: the roles the
     * {@code userRoles} setting or the users file gives that name, if any.
     */
    public Identity certified(String subject) {
        List<String> roles = config.userRoles().get(subject);
        if (roles == null && usersFile != null) {
            UsersFile.User known = usersFile.current().user(subject);
            roles = known == null ? null : known.roles();
        }
        return new Identity(subject, roles == null ? Set.of() : Set.copyOf(roles));
    }

    /** The roles of {@code user} if the password is theirs, else null. */
    private Set<String> rolesIfKnown(String user, String password) {
        String plain = config.users().get(user);
        if (plain != null) {
            return PasswordHash.plainMatches(plain, password)
                    ? Set.copyOf(config.userRoles().getOrDefault(user, List.of())) : null;
        }
        if (usersFile != null) {
            UsersFile.User known = usersFile.current().user(user);
            if (known != null) {
                return known.password().matches(password.toCharArray()) ? Set.copyOf(known.roles()) : null;
            }
            if (config.jaasRealm() == null) {
                NOBODY.matches(password.toCharArray());
                return null;
            }
        }
        return config.jaasRealm() == null ? null : jaasLogin(user, password);
    }

    /** The roles of a user the JAAS realm lets in: its subject's principals but the user's own; null if refused. */
    private Set<String> jaasLogin(String user, String password) {
        try {
            Subject subject = new Subject();
            LoginContext login = new LoginContext(config.jaasRealm(), subject,
                    callbacks -> answer(callbacks, user, password), jaas);
            login.login();
            Set<String> roles = new HashSet<>();
            for (Principal principal : subject.getPrincipals()) {
                if (principal.getName() != null && !principal.getName().equals(user)) {
                    roles.add(principal.getName());
                }
            }
            return roles;
        } catch (LoginException e) {
            LOG.debug("JAAS realm '{}' refused user '{}': {}", config.jaasRealm(), printable(user), e.toString());
            return null;
        }
    }

    private static void answer(Callback[] callbacks, String user, String password)
            throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                name.setName(user);
            } else if (callback instanceof PasswordCallback secret) {
                secret.setPassword(password.toCharArray());
            } else {
                throw new UnsupportedCallbackException(callback, "FerryMQ gives a login module a name and a password");
            }
        }
    }

    /** A user name as it may go into a log line: control characters (a forged line break) as '?'. */
    private static String printable(String user) {
        return user.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /**
     * The users file, read again when it has changed (another file moved in its place, a new
     * size or modification time): {@code bin/ferrymq user} takes effect without a restart. A
     * file that cannot be read then is logged, and the users read last stay.
     */
    private static final class UsersSource {
        private final String broker;
        private final Path file;
        private volatile Snapshot current;

        private record Snapshot(Object key, long size, Object modified, UsersFile users) {
        }

        private UsersSource(String broker, Path file, Snapshot first) {
            this.broker = broker;
            this.file = file;
            this.current = first;
        }

        static UsersSource open(BrokerConfig config) throws JMSException {
            Path file = config.usersFile();
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new UsersSource(config.name(), file, snapshot(attributes, UsersFile.read(file)));
            } catch (IOException | IllegalArgumentException e) {
                throw new JMSException("Broker '" + config.name() + "' cannot read its users file " + file
                        + " (setting '" + BrokerConfig.USERS_FILE + "'): " + e.getMessage()
                        + "; create it with bin/ferrymq user add NAME, or correct the setting");
            }
        }

        UsersFile current() {
            Snapshot last = current;
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (IOException e) {
                return last.users(); // being replaced this instant, or gone: the users read last stay
            }
            if (unchanged(last, attributes)) {
                return last.users();
            }
            synchronized (this) {
                if (!unchanged(current, attributes)) {
                    UsersFile users = current.users();
                    try {
                        users = UsersFile.read(file);
                        LOG.info("Broker '{}' read its users file {} again", broker, file);
                    } catch (IOException | IllegalArgumentException e) {
                        LOG.warn("Broker '{}' cannot read its changed users file {}, and keeps the users it read "
                                + "before: {}", broker, file, e.getMessage());
                    }
                    current = snapshot(attributes, users);
                }
                return current.users();
            }
        }

        private static boolean unchanged(Snapshot last, BasicFileAttributes now) {
            return Objects.equals(last.key(), now.fileKey()) && last.size() == now.size()
                    && last.modified().equals(now.lastModifiedTime());
        }

        private static Snapshot snapshot(BasicFileAttributes attributes, UsersFile users) {
            return new Snapshot(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), users);
        }
    }
}
