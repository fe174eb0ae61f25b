package org.ferrymq.journal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Fault injection around a real journal database: connections to the real H2, PostgreSQL or
 * MariaDB database, whose prepared statements throw, while armed, at every batch execution
 * of a statement whose SQL starts with a given text. For failures no real database
 * produces on demand (a driver's RuntimeException, an OutOfMemoryError while a batch is
 * written); every statement before the fault has really run on the database.
 */
final class FaultInjectingDataSource implements DataSource {

    private record Fault(String sqlPrefix, Supplier<Throwable> failure) {}

    private final JournalDatabase database;
    private final AtomicReference<Fault> armed = new AtomicReference<>();
    private final AtomicInteger fired = new AtomicInteger();

    FaultInjectingDataSource(JournalDatabase database) {
        this.database = database;
    }

    /** From now on, {@code executeBatch} of a statement whose SQL starts with {@code sqlPrefix} throws. */
    void failBatches(String sqlPrefix, Supplier<Throwable> failure) {
        fired.set(0);
        armed.set(new Fault(sqlPrefix, failure));
    }

    void disarm() {
        armed.set(null);
    }

    /** Whether the fault has been thrown since it was armed. */
    boolean fired() {
        return fired.get() > 0;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return faulty(DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password()));
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return faulty(DriverManager.getConnection(database.jdbcUrl(), user, password));
    }

    private Connection faulty(Connection real) {
        return proxy(Connection.class, real, (method, args) -> {
            Object result = method.invoke(real, args);
            if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                return faulty((PreparedStatement) result, sql);
            }
            return result;
        });
    }

    private PreparedStatement faulty(PreparedStatement real, String sql) {
        return proxy(PreparedStatement.class, real, (method, args) -> {
            if (method.getName().equals("executeBatch")) {
                Fault fault = armed.get();
                if (fault != null && sql.startsWith(fault.sqlPrefix())) {
                    fired.incrementAndGet();
                    Throwable failure = fault.failure().get();
                    if (failure instanceof RuntimeException r) {
                        throw r;
                    }
                    throw (Error) failure;
                }
            }
            return method.invoke(real, args);
        });
    }

    private interface Call {
        Object invoke(Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T real, Call call) {
        InvocationHandler handler = (proxy, method, args) -> {
            try {
                return call.invoke(method, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
