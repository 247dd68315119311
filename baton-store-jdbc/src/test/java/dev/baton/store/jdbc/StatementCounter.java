package dev.baton.store.jdbc;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DataSource} wrapper that counts the calls that reach PostgreSQL over the wire: statement executions
 * and explicit commits and rollbacks. With the PostgreSQL driver each is one round trip (a transaction's
 * {@code BEGIN} is sent together with its first statement, {@code setAutoCommit} sends nothing by itself).
 */
final class StatementCounter {
    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final AtomicInteger roundTrips = new AtomicInteger();
    private final DataSource counted;

    StatementCounter(DataSource target) {
        this.counted = proxy(DataSource.class, target, (unused, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof Connection connection ? connection(connection) : result;
        });
    }

    DataSource dataSource() {
        return counted;
    }

    /** Round trips since the last call. */
    int take() {
        return roundTrips.getAndSet(0);
    }

    private Connection connection(Connection target) {
        return proxy(Connection.class, target, (unused, method, args) -> {
            if (method.getName().equals("commit") || method.getName().equals("rollback")) {
                roundTrips.incrementAndGet();
            }
            Object result = invoke(target, method, args);
            if (result instanceof java.sql.PreparedStatement statement) {
                return proxy(java.sql.PreparedStatement.class, statement, statementHandler(statement));
            }
            if (result instanceof Statement statement) {
                return proxy(Statement.class, statement, statementHandler(statement));
            }
            return result;
        });
    }

    private InvocationHandler statementHandler(Statement target) {
        return (unused, method, args) -> {
            if (EXECUTIONS.contains(method.getName())) {
                roundTrips.incrementAndGet();
            }
            return invoke(target, method, args);
        };
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Object target, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(StatementCounter.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
