package dev.baton.core.security;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the append-only audit log: who did what, to which object, when, from where, and how it ended.
 *
 * @param id            assigned by the log on append (monotonic within one store); 0 before
 * @param tenantId      the tenant the action happened in (unattributable failed logins: the system tenant)
 * @param at            when
 * @param actor         the principal's subject ({@link Principal#subject()}), or what was presented when
 *                      authentication failed (e.g. {@code key-prefix:bt_Ab3dE9xQ}, {@code jwt}), never a secret
 * @param action        dotted verb, e.g. {@code workflow.register}, {@code run.start}, {@code run.cancel},
 *                      {@code key.create}, {@code key.revoke}, {@code deployment.disable}, {@code auth.failed},
 *                      {@code access.denied}
 * @param target        the object acted on, {@code <type>/<id>} (e.g. {@code run/01J...}), or {@code null}
 * @param outcome       {@code success}, {@code denied} or {@code failed}
 * @param remoteAddress the client's IP address
 * @param userAgent     the client's {@code User-Agent}, or {@code null}
 * @param requestId     the request id (also in logs and problem bodies), or {@code null}
 * @param details       small extra facts (status code, reason...); never secrets
 *
 * <p>Every text a client can influence ({@code actor}, {@code target}, {@code remoteAddress}, {@code userAgent},
 * {@code requestId}, detail keys and values) is made storable here, once for every log: control characters (NUL,
 * CR, LF...) become U+FFFD and lengths are capped ({@link ClientText}; the caps are the JDBC columns' sizes).
 * So no client can make an append fail (PostgreSQL refuses NUL) or forge lines, whatever it sends.
 */
public record AuditEntry(long id, String tenantId, Instant at, String actor, String action, String target,
                         String outcome, String remoteAddress, String userAgent, String requestId,
                         Map<String, String> details) {
    /** Longest stored actor (characters). */
    public static final int MAX_ACTOR = 200;
    /** Longest stored target. */
    public static final int MAX_TARGET = 300;
    /** Longest stored remote address. */
    public static final int MAX_REMOTE_ADDRESS = 64;
    /** Longest stored user agent. */
    public static final int MAX_USER_AGENT = 300;
    /** Longest stored request id. */
    public static final int MAX_REQUEST_ID = 128;
    /** Longest detail key. */
    public static final int MAX_DETAIL_KEY = 64;
    /** Longest detail value. */
    public static final int MAX_DETAIL_VALUE = 1024;

    public AuditEntry {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        actor = ClientText.clean(actor, MAX_ACTOR);
        target = ClientText.clean(target, MAX_TARGET);
        remoteAddress = ClientText.clean(remoteAddress, MAX_REMOTE_ADDRESS);
        userAgent = ClientText.clean(userAgent, MAX_USER_AGENT);
        requestId = ClientText.clean(requestId, MAX_REQUEST_ID);
        if (details == null) {
            details = Map.of();
        } else {
            Map<String, String> cleaned = new LinkedHashMap<>();
            details.forEach((key, value) -> cleaned.put(
                    ClientText.clean(Objects.requireNonNull(key, "details key"), MAX_DETAIL_KEY),
                    ClientText.clean(Objects.requireNonNull(value, "details value"), MAX_DETAIL_VALUE)));
            details = Collections.unmodifiableMap(cleaned);
        }
    }
}
