package org.ferrymq.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * An empty database made for one part of a run (the probe, or one provider's scenarios) and
 * dropped after it, so that no provider starts on another's tables or leftovers.
 *
 * @param name what the run calls it in its output, e.g. {@code bench_artemis}
 * @param password may be empty (PostgreSQL with trust authentication, H2's default user)
 */
record ScratchDatabase(String name, String url, String user, String password, String driverClassName) {

    Connection open() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }
}
