package org.ferrymq.journal.dialect;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import org.ferrymq.api.journal.SqlDialect;

/** MariaDB 10.5 and later, and MySQL 8 (InnoDB tables). */
public final class MariaDbDialect implements SqlDialect {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:");
    }

    @Override
    public String driverHint() {
        return "org.mariadb.jdbc.Driver (Maven: org.mariadb.jdbc:mariadb-java-client) or, for MySQL, "
                + "com.mysql.cj.jdbc.Driver (Maven: com.mysql:mysql-connector-j)";
    }

    @Override
    public String textType() {
        return "LONGTEXT";
    }

    @Override
    public String binaryType() {
        return "LONGBLOB";
    }

    /**
     * The tables' utf8mb4_bin compares with PAD SPACE ('orders' = 'orders '), so names use a
     * NO PAD binary collation: MariaDB's utf8mb4_nopad_bin (tested), MySQL 8's utf8mb4_0900_bin.
     */
    @Override
    public String nameType(int length, DatabaseMetaData database) throws SQLException {
        String collation = database.getDatabaseProductVersion().contains("MariaDB") ? "utf8mb4_nopad_bin"
                : "utf8mb4_0900_bin";
        return "VARCHAR(" + length + ") CHARACTER SET utf8mb4 COLLATE " + collation;
    }

    @Override
    public String tableOptions() {
        return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    }
}
