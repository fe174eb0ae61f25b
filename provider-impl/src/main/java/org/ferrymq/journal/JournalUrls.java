package org.ferrymq.journal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.SqlDialect;

/**
 * What a journal URL may ask of its JDBC driver, and how it is shown. A journal URL can come
 * from anyone who writes a connection URL or a JNDI entry, so it may name a database and how
 * to reach it, never code to run: an H2 URL is a file or in-memory database with only the
 * settings in {@link #H2_SETTINGS} (no {@code INIT}, no class names), and a PostgreSQL or
 * MariaDB/MySQL URL names none of the driver options that load a class or read or write a
 * local file. Every check runs before the driver sees the URL.
 */
public final class JournalUrls {

    /** The H2 settings a journal URL may carry: storage and locking, nothing that runs SQL or loads a class. */
    static final Set<String> H2_SETTINGS = Set.of("WRITE_DELAY", "DB_CLOSE_DELAY", "DB_CLOSE_ON_EXIT", "MODE",
            "LOCK_TIMEOUT", "DEFAULT_LOCK_TIMEOUT", "MAX_COMPACT_TIME", "CACHE_SIZE", "FILE_LOCK", "IFEXISTS",
            "USER", "PASSWORD", "CIPHER", "TRACE_LEVEL_FILE", "TRACE_LEVEL_SYSTEM_OUT");

    /** The H2 database forms a journal may use: a file, or memory (tests, short-lived brokers). */
    private static final List<String> H2_FORMS = List.of("jdbc:h2:file:", "jdbc:h2:mem:");

    /**
     * Driver options, lower case, that make a driver load a class named in the URL, write a
     * local file or send one to the server; by URL prefix. TLS options stay allowed.
     */
    private static final Map<String, Set<String>> REFUSED_OPTIONS = Map.of(
            "jdbc:postgresql:", Set.of("socketfactory", "socketfactoryarg", "sslfactory", "sslfactoryarg",
                    "sslhostnameverifier", "sslpasswordcallback", "authenticationpluginclassname", "loggerfile"),
            "jdbc:mariadb:", Set.of("socketfactory", "allowlocalinfile", "allowloadlocalinfile"),
            "jdbc:mysql:", Set.of("socketfactory", "allowloadlocalinfile", "allowurlinlocalinfile",
                    "autodeserialize", "queryinterceptors", "statementinterceptors", "exceptioninterceptors",
                    "connectionlifecycleinterceptors", "authenticationplugins", "defaultauthenticationplugin",
                    "propertiestransform"));

    /** The name of an option in a JDBC URL: a word before '='. */
    private static final Pattern OPTION = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\s*=");
    /** A parameter of a JDBC URL whose name says it holds a secret, up to its value. */
    private static final Pattern SECRET_IN_JDBC_URL =
            Pattern.compile("(?i)([^?&;=]*(password|secret)[^?&;=]*=)[^&;]*");
    /** The password of a {@code //user:password@host} part. */
    private static final Pattern PASSWORD_BEFORE_HOST = Pattern.compile("(//[^/:@?;]*:)[^/@?;]*@");

    private JournalUrls() {
    }

    /** {@code jdbcUrl} fit for messages and logs: the value of every password or secret in it masked. */
    public static String shown(String jdbcUrl) {
        if (jdbcUrl == null) {
            return "(the configured DataSource)";
        }
        String masked = SECRET_IN_JDBC_URL.matcher(jdbcUrl).replaceAll("$1***");
        return PASSWORD_BEFORE_HOST.matcher(masked).replaceAll("$1***@");
    }

    /**
     * Refuses a journal URL that {@code dialect} does not speak, or that asks its driver for
     * more than a connection. The messages name the setting and the refused option, never its value.
     */
    static void check(String jdbcUrl, SqlDialect dialect) throws JournalException {
        if (!dialect.accepts(jdbcUrl)) {
            throw new JournalException("Broker setting '" + BrokerConfig.JOURNAL_URL + "' names a database that the "
                    + dialect.name() + " dialect does not speak (" + shown(jdbcUrl) + "); use a URL of its database,"
                    + " or leave " + BrokerConfig.JOURNAL_DIALECT + " out to pick the dialect from the URL");
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            checkH2(jdbcUrl);
        }
        for (Map.Entry<String, Set<String>> driver : REFUSED_OPTIONS.entrySet()) {
            if (jdbcUrl.startsWith(driver.getKey())) {
                checkOptions(jdbcUrl, driver.getValue());
            }
        }
    }

    /**
     * {@code jdbcUrl} with H2's {@code DB_CLOSE_ON_EXIT=FALSE} added when it is an H2 URL that
     * does not set it: H2's own shutdown hook must not close the database under a broker that a
     * shutdown hook of its own (the server's, on SIGTERM) is still stopping; the broker closes
     * it. Any other URL as it is.
     */
    static String closedByTheBroker(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:h2:")) {
            return jdbcUrl;
        }
        List<String> parts = splitUnescaping(jdbcUrl);
        for (String setting : parts.subList(1, parts.size())) {
            int eq = setting.indexOf('=');
            if ((eq < 0 ? setting : setting.substring(0, eq)).trim().equalsIgnoreCase("DB_CLOSE_ON_EXIT")) {
                return jdbcUrl; // the user's choice
            }
        }
        return jdbcUrl + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** H2 splits its URL at ';' after undoing backslash escapes, and upper-cases each setting's name: so do we. */
    private static void checkH2(String jdbcUrl) throws JournalException {
        List<String> parts = splitUnescaping(jdbcUrl);
        if (H2_FORMS.stream().noneMatch(parts.get(0)::startsWith)) {
            throw new JournalException("Broker setting '" + BrokerConfig.JOURNAL_URL + "' is an H2 URL of a kind "
                    + "FerryMQ does not use; write jdbc:h2:file:PATH (or jdbc:h2:mem:NAME for a journal that lives"
                    + " as long as the JVM)");
        }
        for (String setting : parts.subList(1, parts.size())) {
            int eq = setting.indexOf('=');
            String name = (eq < 0 ? setting : setting.substring(0, eq)).trim().toUpperCase(Locale.ENGLISH);
            if (!name.isEmpty() && !H2_SETTINGS.contains(name)) {
                throw new JournalException("Broker setting '" + BrokerConfig.JOURNAL_URL + "' sets H2's " + name
                        + ", which a journal URL may not (it could run SQL or load a class when the database"
                        + " opens); the H2 settings allowed are " + H2_SETTINGS.stream().sorted().toList());
            }
        }
    }

    private static List<String> splitUnescaping(String url) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == ';') {
                parts.add(part.toString());
                part.setLength(0);
            } else if (c == '\\' && i + 1 < url.length()) {
                part.append(url.charAt(++i));
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    /**
     * Refuses an option of a PostgreSQL or MariaDB/MySQL URL wherever it stands (after '?', or in
     * MySQL's {@code (host=...,key=value)} form), in any case, and percent-encoded as the drivers
     * decode it.
     */
    private static void checkOptions(String jdbcUrl, Set<String> refused) throws JournalException {
        for (String form : List.of(jdbcUrl, percentDecoded(jdbcUrl))) {
            Matcher option = OPTION.matcher(form);
            while (option.find()) {
                if (refused.contains(option.group(1).toLowerCase(Locale.ROOT))) {
                    throw new JournalException("Broker setting '" + BrokerConfig.JOURNAL_URL + "' sets the driver"
                            + " option " + option.group(1) + ", which a journal URL may not (it names a class or uses a"
                            + " local file); configure the driver through a DataSource (BrokerConfig"
                            + ".journalDataSource) if the journal needs it");
                }
            }
        }
    }

    private static String percentDecoded(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a driver that decodes would refuse it too
        }
    }
}
