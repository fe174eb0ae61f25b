package org.ferrymq.benchmarks;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server reached over TCP. The configured database (by default {@code test}) is only
 * used to create and drop the scratch databases beside it, named after it and their purpose
 * ({@code test_probe}, {@code test_artemis_sync5ms}, {@code test_ferrymq}, ...), so that runs
 * configured with different databases never touch each other's; dropping uses
 * {@code WITH (FORCE)} (PostgreSQL 13 or later), so connections a provider leaves open do not
 * keep its database alive.
 *
 * <p>Every party reaches its scratch database through the same URL, with the same driver
 * settings: {@code reWriteBatchedInserts=true} (a JDBC batch of inserts becomes multi-row
 * INSERTs), which FerryMQ's PostgreSQL dialect sets for itself, is set for the probe and Artemis too.
 */
final class PostgresDatabase implements DatabaseUnderTest {

    private static final String DRIVER = "org.postgresql.Driver";
    /** {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?PARAMETERS]}: the database name is group 2. */
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]*/)([^/?]+)(\\?.*)?");
    private static final int LOGIN_TIMEOUT_SECONDS = 10;
    /** The driver settings every party gets, whatever its own defaults. */
    static final String DRIVER_SETTINGS = "reWriteBatchedInserts=true";

    private final String url;
    private final List<String> users;
    private final String password;
    private String user;
    private String description = "PostgreSQL";

    PostgresDatabase(String url, List<String> users, String password) {
        if (!hasDatabaseName(url)) {
            throw new IllegalArgumentException("PostgreSQL URL '" + url
                    + "' names no database; use jdbc:postgresql://HOST:PORT/DATABASE");
        }
        this.url = url;
        this.users = List.copyOf(users);
        this.password = password;
    }

    static boolean hasDatabaseName(String url) {
        return URL.matcher(url).matches();
    }

    @Override
    public String key() {
        return "postgresql";
    }

    @Override
    public void connect() throws DatabaseUnavailableException {
        DriverManager.setLoginTimeout(LOGIN_TIMEOUT_SECONDS);
        List<String> failures = new ArrayList<>();
        for (String candidate : users) {
            try (Connection connection = DriverManager.getConnection(url, candidate, password)) {
                user = candidate;
                DatabaseMetaData metaData = connection.getMetaData();
                description = metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion()
                        + " at " + url + ", user " + user
                        + ", synchronous_commit " + show(connection, "synchronous_commit")
                        + ", fsync " + show(connection, "fsync")
                        + ", wal_sync_method " + show(connection, "wal_sync_method");
                return;
            } catch (SQLException e) {
                failures.add("as " + candidate + ": " + e.getMessage());
            }
        }
        throw new DatabaseUnavailableException("PostgreSQL at " + url + " cannot be reached ("
                + String.join("; ", failures) + "); start it, or point -D" + JdbcBenchmarkSettings.POSTGRES_URL
                + " and -D" + JdbcBenchmarkSettings.POSTGRES_USER + " at a server that accepts a connection");
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SHOW " + setting)) {
            return row.next() ? row.getString(1) : "unknown";
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String binaryColumnType() {
        return "BYTEA";
    }

    @Override
    public ScratchDatabase create(String purpose) throws SQLException {
        Matcher parts = URL.matcher(url);
        if (!parts.matches()) {
            throw new IllegalStateException("PostgreSQL URL '" + url + "' was checked when the run started");
        }
        String name = (parts.group(2) + "_" + purpose).toLowerCase(Locale.ROOT);
        // A run that was killed may have left the database behind: start from nothing either way.
        administer("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        administer("CREATE DATABASE " + name);
        String parameters = parts.group(3) == null ? "?" + DRIVER_SETTINGS : parts.group(3) + "&" + DRIVER_SETTINGS;
        return new ScratchDatabase(name, parts.group(1) + name + parameters, user, password, DRIVER);
    }

    @Override
    public void drop(ScratchDatabase database) throws SQLException {
        administer("DROP DATABASE IF EXISTS " + database.name() + " WITH (FORCE)");
    }

    private void administer(String sql) throws SQLException {
        if (user == null) {
            throw new IllegalStateException("PostgreSQL at " + url + " is used before connect()");
        }
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
