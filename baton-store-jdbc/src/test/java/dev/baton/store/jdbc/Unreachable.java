package dev.baton.store.jdbc;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.util.function.BooleanSupplier;

/** {@link DataSource}s of a database that cannot be reached: connection attempts fail (SQL state 08001). */
final class Unreachable {
    private Unreachable() {
    }

    /** A database that is never reachable. */
    static DataSource dataSource() {
        return reachableWhile(() -> false, null);
    }

    /** {@code target} while {@code up} says so; unreachable otherwise. */
    static DataSource reachableWhile(BooleanSupplier up, DataSource target) {
        return (DataSource) Proxy.newProxyInstance(Unreachable.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (!up.getAsBoolean()) {
                        if (method.getName().startsWith("getConnection")) {
                            throw new SQLTransientConnectionException("connection refused", "08001");
                        }
                        throw new UnsupportedOperationException(method.getName());
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
