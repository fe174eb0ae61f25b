package org.ferrymq.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.h2.api.ErrorCode;

/**
 * H2 embedded in this JVM, one file database per part of the run, each in a fresh temporary
 * directory that {@link #drop} deletes. Every party (probe, Artemis, FerryMQ) connects with the
 * same plain URL, so the database's own defaults apply to all of them.
 */
final class H2FileDatabase implements DatabaseUnderTest {

    private static final String DRIVER = "org.h2.Driver";
    private static final String USER = "sa";
    private static final String PASSWORD = "";

    private final Map<String, Path> directories = new HashMap<>();
    private String description = "H2";

    @Override
    public String key() {
        return "h2";
    }

    @Override
    public void connect() throws DatabaseUnavailableException {
        // The commit settings differ between in-memory and file databases: ask a throw-away file database.
        try {
            ScratchDatabase throwAway = create("settings");
            try (Connection connection = throwAway.open()) {
                DatabaseMetaData metaData = connection.getMetaData();
                description = metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion()
                        + ", a file database per provider under " + System.getProperty("java.io.tmpdir")
                        + ", WRITE_DELAY " + setting(connection, "WRITE_DELAY") + " ms"
                        + " (a commit is written to the file before it returns, not forced to disk)";
            } finally {
                drop(throwAway);
            }
        } catch (SQLException | IOException e) {
            throw new DatabaseUnavailableException("H2 cannot create a file database under "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage()
                    + "; check that the directory is writable and com.h2database:h2 is on the class path");
        }
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = '" + name + "'")) {
            return row.next() ? row.getString(1) : "unknown";
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String binaryColumnType() {
        return "VARBINARY";
    }

    @Override
    public ScratchDatabase create(String purpose) throws IOException {
        Path directory = Files.createTempDirectory("ferrymq-jdbcbench-h2-" + purpose);
        // FerryMQ's default H2 options for every user of the database: each commit is written at once
        String url = "jdbc:h2:file:" + directory.resolve(purpose).toAbsolutePath() + ";WRITE_DELAY=0";
        directories.put(url, directory);
        return new ScratchDatabase(directory.toString(), url, USER, PASSWORD, DRIVER);
    }

    @Override
    public void drop(ScratchDatabase database) throws SQLException, IOException {
        Path directory = directories.remove(database.url());
        if (directory == null) {
            throw new IllegalArgumentException("H2 database " + database.url() + " was not created by this run");
        }
        // A provider may have left pooled connections open; SHUTDOWN closes the database under them.
        try (Connection connection = DriverManager.getConnection(
                database.url() + ";IFEXISTS=TRUE", database.user(), database.password());
             Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            // The database was never created: the provider failed before its first connection.
            if (e.getErrorCode() != ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1) {
                throw e;
            }
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(H2FileDatabase::delete);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
