package org.ferrymq.journal.dialect;

import java.sql.SQLException;
import org.ferrymq.api.journal.SqlDialect;

/** H2 2.x, the embedded default: a file database in the broker's data directory. */
public final class H2Dialect implements SqlDialect {

    /** H2's error code for a database file another process has open. */
    private static final int DATABASE_ALREADY_OPEN = 90020;

    @Override
    public String name() {
        return "h2";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:");
    }

    @Override
    public String driverHint() {
        return "org.h2.Driver (Maven: com.h2database:h2)";
    }

    @Override
    public String textType() {
        return "CHARACTER VARYING";
    }

    @Override
    public String binaryType() {
        return "BINARY VARYING";
    }

    /** H2 copies a deleted BINARY VARYING value into its undo log: seconds for a large body; a BLOB it does not. */
    @Override
    public String chunkType() {
        return "BLOB";
    }

    @Override
    public String queueOrder(String queueColumn, String columns) {
        return queueColumn + ", " + columns; // else H2 sorts every row of the range before it limits them
    }

    @Override
    public String explain(SQLException failure) {
        if (failure.getErrorCode() == DATABASE_ALREADY_OPEN) {
            return "The H2 database file is open in another process, most likely another FerryMQ broker with the "
                    + "same data directory; stop it, or give this broker another dataDirectory";
        }
        return null;
    }
}
