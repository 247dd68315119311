package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.core.workflow.Workflow;
import dev.baton.server.BatonNode;
import dev.baton.server.security.RequestPrincipal;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * Workflow routes: register (POST), new version (PUT), get, list, delete, validate. A definition is sent as
 * YAML ({@code application/yaml}, {@code text/yaml}), as JSON ({@code application/json}: the workflow itself, or
 * {@code {"source": "<yaml or json text>"}}), or as {@code text/plain} text; anything else is 415. Every route
 * acts in the tenant of the request's principal: another tenant's workflow answers 404 like a missing one.
 */
final class WorkflowEndpoints {
    private final BatonNode node;
    private final RequestBodies bodies;
    private final WireFormat wire;

    WorkflowEndpoints(BatonNode node, RequestBodies bodies, WireFormat wire) {
        this.node = node;
        this.bodies = bodies;
        this.wire = wire;
    }

    /** {@code POST /workflows}: 201 with {@code {id, version, ...}} (200 when the source equals the latest version). */
    void register(Context ctx) {
        String source = source(ctx);
        Workflow parsed = node.validate(source, "body");
        String tenant = RequestPrincipal.tenant(ctx);
        Optional<StoredWorkflow> before = node.workflowStore().latest(tenant, parsed.id());
        StoredWorkflow stored = node.register(tenant, source, "body");
        boolean created = before.isEmpty() || before.get().version() != stored.version();
        ctx.header("Location", ApiRoutes.BASE + "/workflows/" + stored.id());
        Json.respond(ctx, created ? 201 : 200, wire.workflow(stored, parsed.description(), false));
    }

    /** {@code PUT /workflows/{id}}: stores a new version; the document's id must equal the path's. */
    void update(Context ctx) {
        String id = ctx.pathParam("id");
        String source = source(ctx);
        Workflow parsed = node.validate(source, "body");
        if (!parsed.id().equals(id)) {
            throw BatonException.invalidInput("id", "the workflow's id '" + parsed.id()
                    + "' does not match the id in the URL '" + id + "'");
        }
        String tenant = RequestPrincipal.tenant(ctx);
        Optional<StoredWorkflow> before = node.workflowStore().latest(tenant, id);
        StoredWorkflow stored = node.register(tenant, source, "body");
        boolean created = before.isEmpty();
        Json.respond(ctx, created ? 201 : 200, wire.workflow(stored, parsed.description(), false));
    }

    /** {@code GET /workflows}: the latest version of every workflow, by id. */
    void list(Context ctx) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode items = result.putArray("items");
        for (StoredWorkflow stored : node.workflowStore().list(RequestPrincipal.tenant(ctx))) {
            items.add(wire.workflow(stored, description(stored), false));
        }
        Json.respond(ctx, 200, result);
    }

    /** {@code GET /workflows/{id}[?version=N]}: one version with its source. */
    void get(Context ctx) {
        String versionText = ctx.queryParam("version");
        int version = versionText == null ? 0 : version("version", versionText);
        respondVersion(ctx, ctx.pathParam("id"), version);
    }

    /** {@code GET /workflows/{id}/versions/{version}}. */
    void getVersion(Context ctx) {
        respondVersion(ctx, ctx.pathParam("id"), version("version", ctx.pathParam("version")));
    }

    /** {@code DELETE /workflows/{id}}: 204; its versions stay readable for the runs that used them. */
    void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!node.deleteWorkflow(RequestPrincipal.tenant(ctx), id)) {
            throw BatonException.notFound("workflow", id);
        }
        ctx.status(204);
    }

    /** {@code POST /workflows/validate}: 200 {@code {valid: true, id, steps}} or a 400 problem listing every error. */
    void validate(Context ctx) {
        Workflow workflow = node.validate(source(ctx), "body");
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("valid", true);
        result.put("id", workflow.id());
        result.put("description", workflow.description());
        ArrayNode steps = result.putArray("steps");
        workflow.steps().keySet().forEach(steps::add);
        Json.respond(ctx, 200, result);
    }

    private void respondVersion(Context ctx, String id, int version) {
        String tenant = RequestPrincipal.tenant(ctx);
        Optional<StoredWorkflow> stored = version == 0
                ? node.workflowStore().latest(tenant, id)
                : node.workflowStore().version(tenant, id, version);
        StoredWorkflow found = stored.orElseThrow(() -> version == 0
                ? BatonException.notFound("workflow", id)
                : BatonException.notFound("workflow version", id + "@" + version));
        Json.respond(ctx, 200, wire.workflow(found, description(found), true));
    }

    private String description(StoredWorkflow stored) {
        try {
            return node.resolve(stored.tenantId(), stored.id(), stored.version()).description();
        } catch (BatonException e) {
            return "";
        }
    }

    private static int version(String field, String text) {
        try {
            int version = Integer.parseInt(text);
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw BatonException.invalidInput(field, "must be a version number >= 1, got '" + text + "'");
    }

    /** The definition text of the request, by media type. */
    private String source(Context ctx) {
        String type = ctx.contentType();
        String body = ctx.body();
        if (RequestBodies.isYaml(type) || RequestBodies.mediaType(type).equals("text/plain")) {
            return requireText(body);
        }
        if (!RequestBodies.isJson(type)) {
            throw RequestBodies.unsupported(type, "application/yaml, application/json or text/plain");
        }
        requireText(body);
        JsonNode tree;
        try {
            tree = bodies.tree(body);
        } catch (BatonException malformed) {
            return body; // the workflow parser reports the syntax error with its line and column
        }
        if (tree.isObject() && tree.size() == 1 && tree.has("source")) {
            if (!tree.get("source").isTextual()) {
                throw BatonException.invalidInput("source", "must be the workflow's YAML or JSON text as a string");
            }
            return requireText(tree.get("source").asText());
        }
        return body;
    }

    private static String requireText(String text) {
        if (text == null || text.isBlank()) {
            throw BatonException.invalidInput("body", "a workflow definition (YAML or JSON) is required");
        }
        return text;
    }
}
