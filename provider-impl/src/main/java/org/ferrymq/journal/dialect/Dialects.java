package org.ferrymq.journal.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.SqlDialect;

/**
 * Finds the dialect for a journal database: by name or class name when configured, else by
 * the JDBC URL. Dialects are found with {@link ServiceLoader}, so one on the class path is
 * all it takes to add a database.
 */
public final class Dialects {

    private Dialects() {
    }

    public static List<SqlDialect> available() {
        List<SqlDialect> dialects = new ArrayList<>();
        ServiceLoader.load(SqlDialect.class, Dialects.class.getClassLoader()).forEach(dialects::add);
        if (dialects.isEmpty()) { // a repackaged jar without our service file
            dialects.addAll(List.of(new H2Dialect(), new PostgreSqlDialect(), new MariaDbDialect()));
        }
        return dialects;
    }

    /** The dialect named by {@code configured} (a name or a class name), or the one accepting {@code jdbcUrl}. */
    public static SqlDialect select(String configured, String jdbcUrl) throws JournalException {
        List<SqlDialect> dialects = available();
        List<String> names = dialects.stream().map(SqlDialect::name).toList();
        if (configured != null) {
            for (SqlDialect dialect : dialects) {
                if (dialect.name().equalsIgnoreCase(configured) || dialect.getClass().getName().equals(configured)) {
                    return dialect;
                }
            }
            try {
                return (SqlDialect) Class.forName(configured).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                throw new JournalException("Journal dialect '" + configured + "' is unknown; use one of " + names
                        + " or the name of a class implementing " + SqlDialect.class.getName());
            }
        }
        if (jdbcUrl == null) {
            throw new JournalException("The journal's DataSource does not tell its database; set journalDialect to one of "
                    + names);
        }
        for (SqlDialect dialect : dialects) {
            if (dialect.accepts(jdbcUrl)) {
                return dialect;
            }
        }
        throw new JournalException("No journal dialect for the database at '" + jdbcUrl + "'; FerryMQ knows " + names
                + ". Set journalDialect to one of them if the database speaks its SQL, or add a dialect");
    }
}
