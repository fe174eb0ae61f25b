package org.ferrymq.journal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A real database for journal tests. H2 (a file in a fresh directory) always; PostgreSQL at
 * 127.0.0.1:5432 and MariaDB at 127.0.0.1:3306 when the system property
 * {@code ferrymq.test.databases} or the environment variable {@code FERRYMQ_TEST_DATABASES}
 * names them (CI sets it). The server databases use a schema / database of their own,
 * {@code ferrymq_test} (or the name in {@code ferrymq.test.schema} / {@code FERRYMQ_TEST_SCHEMA},
 * so that two checkouts can run their tests at once), emptied of FerryMQ tables before each use.
 */
public record JournalDatabase(String name, String jdbcUrl, String user, String password) {

    public static final String FLAG = "ferrymq.test.databases";

    public static final String SCHEMA_FLAG = "ferrymq.test.schema";

    private static final String SERVER_SCHEMA = serverSchema();

    private static String serverSchema() {
        String schema = System.getProperty(SCHEMA_FLAG, System.getenv("FERRYMQ_TEST_SCHEMA"));
        if (schema == null || schema.isBlank()) {
            return "ferrymq_test";
        }
        if (!schema.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException(SCHEMA_FLAG + " / FERRYMQ_TEST_SCHEMA '" + schema
                    + "' must be lower-case letters, digits and underscores, starting with a letter");
        }
        return schema;
    }

    public static Stream<JournalDatabase> all() {
        return Stream.of(h2(), postgresql(), mariadb());
    }

    public static JournalDatabase h2() {
        try {
            Path dir = Files.createTempDirectory("ferrymq-journal-test");
            dir.toFile().deleteOnExit();
            return new JournalDatabase("h2", "jdbc:h2:file:" + dir.resolve("journal") + ";WRITE_DELAY=0", "", "");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JournalDatabase postgresql() {
        return new JournalDatabase("postgresql",
                "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SERVER_SCHEMA, "postgres", "");
    }

    public static JournalDatabase mariadb() {
        return new JournalDatabase("mariadb", "jdbc:mariadb://127.0.0.1:3306/" + SERVER_SCHEMA, "root", "");
    }

    /** Whether the tests may use this database on this machine. */
    public boolean enabled() {
        if (name.equals("h2")) {
            return true;
        }
        String flag = System.getProperty(FLAG, System.getenv("FERRYMQ_TEST_DATABASES"));
        return flag != null && List.of(flag.toLowerCase(Locale.ROOT).split("[, ]+")).contains(name);
    }

    public String whyDisabled() {
        return name + " tests need a running " + name + " server; enable them with -D" + FLAG + "=" + name
                + " or FERRYMQ_TEST_DATABASES=" + name + " (.ci/run sets it)";
    }

    /** Creates the test schema if needed and drops every FerryMQ view and table in it. */
    public JournalDatabase emptied() throws SQLException {
        if (name.equals("postgresql")) {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", user, password);
                    Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + SERVER_SCHEMA);
            }
        } else if (name.equals("mariadb")) {
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/test", user, password);
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + SERVER_SCHEMA);
            }
        }
        dropViews();
        drop("TABLE");
        return this;
    }

    /**
     * Drops FerryMQ's monitoring views (schema version 8): before a test drops or changes the
     * tables under them, which PostgreSQL and H2 refuse while a view depends on them.
     */
    public void dropViews() throws SQLException {
        drop("VIEW");
    }

    /** Drops every FerryMQ table or view ({@code type} as JDBC metadata names it) of the schema. */
    private void drop(String type) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {type})) {
                while (rs.next()) {
                    String found = rs.getString("TABLE_NAME");
                    if (found.toUpperCase(Locale.ROOT).startsWith("FMQ_")) {
                        names.add(found);
                    }
                }
            }
            for (String found : names) {
                s.execute("DROP " + type + " " + found);
            }
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** A single number from a query, e.g. a count. */
    public long queryLong(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How many messages queue {@code queue} holds: the query the README shows. */
    public long depth(String queue) throws SQLException {
        return queryLong("SELECT COUNT(*) FROM FMQ_QUEUE_REF r JOIN FMQ_DESTINATION d ON d.QUEUE_ID = r.QUEUE_ID "
                + "WHERE d.DEST_TYPE = 'queue' AND d.DEST_NAME = '" + queue.replace("'", "''") + "'");
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The vm:// URL of an embedded broker journaling here, with more parameters if given. */
    public String brokerUrl(String broker, String... parameters) {
        StringBuilder url = new StringBuilder("vm://").append(broker)
                .append("?journalUrl=").append(URLEncoder.encode(jdbcUrl, StandardCharsets.UTF_8))
                .append("&journalUser=").append(user).append("&journalPassword=").append(password);
        for (String p : parameters) {
            url.append('&').append(p);
        }
        return url.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
