package dev.baton.store.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A data source counting the database round trips its connections make: every statement execution (a batch is
 * one: pgjdbc sends it with one Sync) and every commit or rollback. Validation of pooled connections by the pool
 * is not counted (it happens only for a connection idle for more than 500 ms).
 */
final class CountingDataSource implements DataSource {
    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch",
            "executeLargeUpdate", "executeLargeBatch");
    private final DataSource target;
    private final AtomicInteger roundTrips = new AtomicInteger();

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    /** The round trips counted since the last call, and resets the count. */
    int take() {
        return roundTrips.getAndSet(0);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = target.getConnection();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit") || method.getName().equals("rollback")) {
                        roundTrips.incrementAndGet();
                    }
                    Object result = invoke(connection, method, args);
                    if (result instanceof Statement statement) {
                        return counting(statement);
                    }
                    return result;
                });
    }

    private Object counting(Statement statement) {
        Class<?> type = statement instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class
                : Statement.class;
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (EXECUTIONS.contains(method.getName())) {
                roundTrips.incrementAndGet();
            }
            return invoke(statement, method, args);
        });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("not supported");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return target.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return target.isWrapperFor(type);
    }
}
