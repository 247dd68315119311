package dev.baton.store.jdbc;

import org.flywaydb.core.api.MigrationVersion;

import java.util.Objects;

/**
 * The schema version a database has against the one this build migrates to: whether the migrations are done.
 * Read by readiness probes ({@link JdbcStores#schema()}).
 *
 * @param applied  the newest successfully applied migration version in Flyway's history table, or {@code null}
 *                 when none is (an empty or foreign database)
 * @param expected the newest migration version this build has, e.g. {@code "3"}
 */
public record SchemaStatus(String applied, String expected) {
    public SchemaStatus {
        Objects.requireNonNull(expected, "expected");
    }

    /**
     * Whether the schema is at least at {@link #expected}: migrations done. A newer schema (migrated by a newer
     * node during a rolling upgrade) counts as done, as Flyway itself ignores such "future" migrations.
     */
    public boolean current() {
        return applied != null
               && MigrationVersion.fromVersion(applied).compareTo(MigrationVersion.fromVersion(expected)) >= 0;
    }
}
