package dev.baton.store.jdbc;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;

import java.util.Locale;

/**
 * The SQL differences between the supported databases. Everything else is portable SQL that H2 2.x and
 * PostgreSQL both accept.
 */
public enum Dialect {
    /** H2 2.x, the embedded default. JSON is stored as text (CLOB). */
    H2("db/migration/h2", "?"),
    /** PostgreSQL 13+. JSON is stored as {@code jsonb}. */
    POSTGRESQL("db/migration/postgresql", "CAST(? AS jsonb)");

    private final String migrations;
    private final String jsonParameter;

    Dialect(String migrations, String jsonParameter) {
        this.migrations = migrations;
        this.jsonParameter = jsonParameter;
    }

    /** The classpath folder of this database's Flyway migrations. */
    public String migrations() {
        return migrations;
    }

    /** The placeholder for a JSON value bound as a string. */
    String json() {
        return jsonParameter;
    }

    /**
     * The microseconds from one timestamp expression to another, as a double precision expression, and 0 when
     * {@code to} is before {@code from} (clocks of different nodes disagree, e.g. a run resumed on another node): a
     * duration is never negative.
     */
    String microsBetween(String from, String to) {
        String micros = switch (this) {
            case H2 -> "CAST(DATEDIFF(MICROSECOND, " + from + ", " + to + ") AS DOUBLE PRECISION)";
            case POSTGRESQL -> "CAST(EXTRACT(EPOCH FROM (" + to + " - " + from + ")) * 1000000 AS DOUBLE PRECISION)";
        };
        return "GREATEST(CAST(0 AS DOUBLE PRECISION), " + micros + ")";
    }

    /**
     * A step id expression with map item indexes ({@code [12]}) replaced by {@code [*]}, as
     * {@link dev.baton.core.store.StepStats#stepOf(String)} does.
     */
    String stepOf(String stepId) {
        return switch (this) {
            case H2 -> "REGEXP_REPLACE(" + stepId + ", '\\[[0-9]+\\]', '[*]')";
            case POSTGRESQL -> "regexp_replace(" + stepId + ", '\\[[0-9]+\\]', '[*]', 'g')";
        };
    }

    /** A text expression compared by code point (PostgreSQL columns without {@code COLLATE "C"}). */
    String codePointOrder(String text) {
        return switch (this) {
            case H2 -> text;
            case POSTGRESQL -> text + " COLLATE \"C\"";
        };
    }

    /**
     * The dialect of a JDBC URL.
     *
     * @throws BatonException INVALID_INPUT for a URL of another database
     */
    public static Dialect of(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        if (url.startsWith("jdbc:h2:")) {
            return H2;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new BatonException(ErrorCode.INVALID_INPUT,
                "store.url: only jdbc:h2: and jdbc:postgresql: URLs are supported, got '" + redact(jdbcUrl) + "'");
    }

    /** The URL without its query or H2 settings, which may carry credentials. */
    static String redact(String jdbcUrl) {
        if (jdbcUrl == null) {
            return "";
        }
        int cut = jdbcUrl.length();
        for (char c : new char[] {'?', ';'}) {
            int i = jdbcUrl.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return jdbcUrl.substring(0, cut);
    }
}
