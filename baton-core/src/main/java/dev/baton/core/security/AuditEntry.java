package dev.baton.core.security;

import java.time.Instant;
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
 */
public record AuditEntry(long id, String tenantId, Instant at, String actor, String action, String target,
                         String outcome, String remoteAddress, String userAgent, String requestId,
                         Map<String, String> details) {

    public AuditEntry {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
