package org.ferrymq.journal.dialect;

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

    @Override
    public String tableOptions() {
        return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    }
}
