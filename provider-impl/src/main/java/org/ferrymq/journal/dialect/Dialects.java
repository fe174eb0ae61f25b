package org.ferrymq.journal.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.ferrymq.api.BrokerConfig;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.SqlDialect;
import org.ferrymq.journal.JournalUrls;

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
            return instantiate(configured, names);
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
        throw new JournalException("No journal dialect for the database at '" + JournalUrls.shown(jdbcUrl)
                + "'; FerryMQ knows " + names
                + ". Set journalDialect to one of them if the database speaks its SQL, or add a dialect");
    }

    /**
     * The dialect class named {@code className}: loaded without running its static initializer,
     * and constructed only once it is known to be a {@link SqlDialect}.
     */
    private static SqlDialect instantiate(String className, List<String> names) throws JournalException {
        String fix = "; set " + BrokerConfig.JOURNAL_DIALECT + " to one of " + names + " or to the name of a class"
                + " implementing " + SqlDialect.class.getName();
        Class<?> type;
        try {
            type = Class.forName(className, false, Dialects.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new JournalException("Broker setting '" + BrokerConfig.JOURNAL_DIALECT + "' names '" + className
                    + "', which is neither a known dialect nor a class on the class path" + fix);
        }
        if (!SqlDialect.class.isAssignableFrom(type)) {
            throw new JournalException("Broker setting '" + BrokerConfig.JOURNAL_DIALECT + "' names the class '"
                    + className + "', which is not a " + SqlDialect.class.getSimpleName() + fix);
        }
        try {
            return type.asSubclass(SqlDialect.class).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new JournalException("Broker setting '" + BrokerConfig.JOURNAL_DIALECT + "' names the dialect class '"
                    + className + "', which cannot be constructed (" + e + "); give it a public constructor"
                    + " without parameters");
        }
    }
}
