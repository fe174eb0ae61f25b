package org.ferrymq.journal.dialect;

import java.util.Map;
import org.ferrymq.api.journal.SqlDialect;

/** PostgreSQL 12 and later. */
public final class PostgreSqlDialect implements SqlDialect {

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String driverHint() {
        return "org.postgresql.Driver (Maven: org.postgresql:postgresql)";
    }

    @Override
    public String textType() {
        return "TEXT";
    }

    @Override
    public String binaryType() {
        return "BYTEA";
    }

    @Override
    public Map<String, String> connectionProperties() {
        // a batch of inserts becomes multi-row INSERTs: one round trip instead of one per row
        return Map.of("reWriteBatchedInserts", "true");
    }
}
