package org.ferrymq.journal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.ferrymq.api.journal.JournalException;

/**
 * The one row of {@code FMQ_LEASE}: which broker owns the journal database. A broker takes it
 * on start and renews it while it runs; a second live broker is refused with the holder's
 * name. A holder whose lease expired, or whose process on this host is gone (killed, say),
 * has lost it.
 */
final class BrokerLease {

    /** How long a lease lasts without renewal. */
    static final long LEASE_MILLIS = 30_000;

    private final String broker;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final String instance = UUID.randomUUID().toString();

    BrokerLease(String broker) {
        this.broker = broker;
        this.host = localHost();
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** Takes the lease, or fails naming the live broker that holds it. */
    void acquire(Connection connection, String database) throws SQLException, JournalException {
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement lock = connection.prepareStatement("SELECT HOLDER_BROKER, HOLDER_HOST, HOLDER_PID, "
                    + "HOLDER_INSTANCE, EXPIRES_AT FROM FMQ_LEASE WHERE LEASE_ID = 1 FOR UPDATE");
                    ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    throw new JournalException("The journal database " + database + " has no lease row in FMQ_LEASE; "
                            + "insert it with INSERT INTO FMQ_LEASE (LEASE_ID) VALUES (1)");
                }
                String holderInstance = row.getString(4);
                if (holderInstance != null && !holderInstance.equals(instance)) {
                    String holderBroker = row.getString(1);
                    String holderHost = row.getString(2);
                    long holderPid = row.getLong(3);
                    long expiresAt = row.getLong(5);
                    boolean expired = expiresAt < System.currentTimeMillis();
                    boolean holderDead = host.equals(holderHost) && holderPid != pid
                            && ProcessHandle.of(holderPid).map(p -> !p.isAlive()).orElse(true);
                    if (!expired && !holderDead) {
                        throw new JournalException("The journal database " + database + " is in use by broker '"
                                + holderBroker + "' (process " + holderPid + " on " + holderHost + "), whose lease "
                                + "runs until " + Instant.ofEpochMilli(expiresAt) + ". Two brokers must not share a "
                                + "journal: stop that broker, or give this one another database");
                    }
                }
            }
            long now = System.currentTimeMillis();
            try (PreparedStatement take = connection.prepareStatement("UPDATE FMQ_LEASE SET HOLDER_BROKER = ?, "
                    + "HOLDER_HOST = ?, HOLDER_PID = ?, HOLDER_INSTANCE = ?, ACQUIRED_AT = ?, EXPIRES_AT = ? "
                    + "WHERE LEASE_ID = 1")) {
                take.setString(1, broker);
                take.setString(2, host);
                take.setLong(3, pid);
                take.setString(4, instance);
                take.setLong(5, now);
                take.setLong(6, now + LEASE_MILLIS);
                take.executeUpdate();
            }
            connection.commit();
        } catch (SQLException | JournalException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Extends the lease; false when another broker has taken it meanwhile. */
    boolean renew(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (PreparedStatement renew = connection.prepareStatement(
                "UPDATE FMQ_LEASE SET EXPIRES_AT = ? WHERE LEASE_ID = 1 AND HOLDER_INSTANCE = ?")) {
            renew.setLong(1, System.currentTimeMillis() + LEASE_MILLIS);
            renew.setString(2, instance);
            return renew.executeUpdate() == 1;
        }
    }

    void release(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (PreparedStatement release = connection.prepareStatement("UPDATE FMQ_LEASE SET HOLDER_BROKER = NULL, "
                + "HOLDER_HOST = NULL, HOLDER_PID = NULL, HOLDER_INSTANCE = NULL, ACQUIRED_AT = NULL, "
                + "EXPIRES_AT = NULL WHERE LEASE_ID = 1 AND HOLDER_INSTANCE = ?")) {
            release.setString(1, instance);
            release.executeUpdate();
        }
    }
}
