package org.ferrymq.journal;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.ferrymq.api.journal.JournalException;
import org.ferrymq.api.journal.SqlDialect;

/**
 * Turns the journal database's exceptions into messages that say what went wrong and what to
 * do, and tells connection failures (retry on a new connection later) from the rest.
 */
final class ConnectionFailures {

    private final String database;
    private final SqlDialect dialect;

    ConnectionFailures(String database, SqlDialect dialect) {
        this.database = database;
        this.dialect = dialect;
    }

    SqlDialect dialect() {
        return dialect;
    }

    /** The database as messages name it (its URL, any password masked). */
    String database() {
        return database;
    }

    boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true; // connection exception; PostgreSQL's admin shutdown
            }
        }
        return false;
    }

    JournalException describe(String what, SQLException e) {
        return new JournalException("Journal database " + database + ": " + what + ": " + explain(e), e);
    }

    /** The cause in a user's words, with the fix where we know it. */
    String explain(SQLException e) {
        String special = dialect == null ? null : dialect.explain(e);
        if (special != null) {
            return special + " (" + e.getMessage() + ")";
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28")) {
            return "the database refused the user name or password (" + e.getMessage()
                    + "); check journalUser and journalPassword";
        }
        if (state.equals("3D000") || e.getErrorCode() == 1049) {
            return "the database named in the URL does not exist (" + e.getMessage()
                    + "); create it, or correct the URL";
        }
        if (isConnectionFailure(e)) {
            return "cannot reach the database (" + e.getMessage()
                    + "); check the URL's host and port and that the database is running";
        }
        return e.getMessage() + (state.isEmpty() ? "" : " [SQLState " + state + "]");
    }
}
