package dev.baton.server.security;

import dev.baton.core.security.AuditActions;
import dev.baton.server.api.ApiRoutes;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which API routes are audited mutations, and under which action: a table from the method and the route template
 * (as declared in {@link ApiRoutes}, e.g. {@code POST /api/v1/runs/{id}/cancel}) to the action name and where the
 * target's id comes from. Routes that are not here (reads, validation, model calls) are audited only when they
 * are refused (401, 403).
 *
 * <p>Routes of other features are listed by their documented paths ({@code /keys}, {@code /runs/{id}/retry}):
 * they are audited as soon as they are declared. A test checks that every mutating route of the running API is in
 * this table, so a route added later without an action fails it.
 */
final class AuditedRoutes {

    /**
     * An audited route.
     *
     * @param action     the action recorded ({@link AuditActions})
     * @param targetType the type of the target ({@code run}, {@code workflow}...), or {@code null} for none
     * @param pathParam  the path parameter holding the target's id, or {@code null} when the id is only known once
     *                   the request is answered (a created object: the handler's {@link AuditTrail#TARGET} or the
     *                   response's {@code Location})
     */
    record Route(String action, String targetType, String pathParam) {
    }

    private static final String API = ApiRoutes.BASE;
    private static final Map<String, Route> ROUTES = Map.ofEntries(
            entry("POST", API + "/workflows", new Route(AuditActions.WORKFLOW_REGISTER, "workflow", null)),
            entry("PUT", API + "/workflows/{id}", new Route(AuditActions.WORKFLOW_UPDATE, "workflow", "id")),
            entry("DELETE", API + "/workflows/{id}", new Route(AuditActions.WORKFLOW_DELETE, "workflow", "id")),
            entry("POST", API + "/templates/{name}", new Route(AuditActions.TEMPLATE_INSTANTIATE, "workflow", null)),
            entry("POST", API + "/workflows/{id}/runs", new Route(AuditActions.RUN_START, "run", null)),
            entry("POST", API + "/workflows/{id}/runs/batch",
                    new Route(AuditActions.RUN_START_BATCH, "workflow", "id")),
            entry("POST", API + "/runs/{id}/cancel", new Route(AuditActions.RUN_CANCEL, "run", "id")),
            entry("POST", API + "/runs/{id}/retry", new Route(AuditActions.RUN_RETRY, "run", "id")),
            entry("POST", API + "/keys", new Route(AuditActions.KEY_CREATE, "key", null)),
            entry("DELETE", API + "/keys/{id}", new Route(AuditActions.KEY_REVOKE, "key", "id")),
            entry("POST", API + "/gateway/deployments/{id}/enable",
                    new Route(AuditActions.DEPLOYMENT_ENABLE, "deployment", "id")),
            entry("POST", API + "/gateway/deployments/{id}/disable",
                    new Route(AuditActions.DEPLOYMENT_DISABLE, "deployment", "id")),
            entry("DELETE", API + "/gateway/cache", new Route(AuditActions.CACHE_CLEAR, null, null)));

    /**
     * Routes that change something but are deliberately not audited as actions, with the reason: calls to models
     * are recorded as usage records (one per call, with tokens and cost), validation stores nothing.
     */
    static final Map<String, String> NOT_AUDITED = Map.of(
            "POST " + API + "/workflows/validate", "stores nothing",
            "POST /v1/chat/completions", "a model call: recorded in the usage records",
            "POST /v1/embeddings", "a model call: recorded in the usage records");

    private AuditedRoutes() {
    }

    private static Map.Entry<String, Route> entry(String method, String template, Route route) {
        return Map.entry(key(method, template), route);
    }

    private static String key(String method, String template) {
        return method.toUpperCase(Locale.ROOT) + " " + template;
    }

    /** The audited route of {@code method} and the route {@code template}, if it is one. */
    static Optional<Route> of(String method, String template) {
        return Optional.ofNullable(ROUTES.get(key(method, template)));
    }

    /** Whether {@code method template} is known: audited, or deliberately not (see {@link #NOT_AUDITED}). */
    static boolean known(String method, String template) {
        String key = key(method, template);
        return ROUTES.containsKey(key) || NOT_AUDITED.containsKey(key);
    }
}
