package dev.baton.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.store.StoredWorkflow;
import dev.baton.server.BatonNode;
import dev.baton.server.BundledTemplates;
import dev.baton.server.security.RequestPrincipal;
import io.javalin.http.Context;

import java.util.regex.Pattern;

/**
 * Template routes: the bundled example workflows ({@link BundledTemplates}) listed, shown and instantiated
 * (registered as a workflow of the request principal's tenant, under the template's own id or a new one). The
 * templates themselves are the same for every tenant.
 */
final class TemplateEndpoints {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern WORKFLOW_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final BatonNode node;
    private final RequestBodies bodies;
    private final WireFormat wire;

    TemplateEndpoints(BatonNode node, RequestBodies bodies, WireFormat wire) {
        this.node = node;
        this.bodies = bodies;
        this.wire = wire;
    }

    /** Body of {@code POST /templates/{name}} (optional). */
    record InstantiateBody(String id) {
        InstantiateBody {
            if (id != null && !WORKFLOW_ID.matcher(id).matches()) {
                throw BatonException.invalidInput("id", "must be letters, digits, '.', '_' or '-' (at most 128), got '" + id + "'");
            }
        }
    }

    /** {@code GET /templates}: {@code {items: [{name, id, description}]}}. */
    void list(Context ctx) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode items = result.putArray("items");
        for (BundledTemplates.Template template : node.templates().list()) {
            items.add(summary(template, false));
        }
        Json.respond(ctx, 200, result);
    }

    /** {@code GET /templates/{name}}: the template with its source. */
    void get(Context ctx) {
        Json.respond(ctx, 200, summary(find(ctx.pathParam("name")), true));
    }

    /** {@code POST /templates/{name}} with optional {@code {id}}: 201 with the registered workflow. */
    void instantiate(Context ctx) {
        BundledTemplates.Template template = find(ctx.pathParam("name"));
        InstantiateBody body = bodies.read(ctx, InstantiateBody.class, true);
        String source = body.id() == null ? template.source() : template.withId(body.id());
        String tenant = RequestPrincipal.tenant(ctx);
        StoredWorkflow stored = node.register(tenant, source, "template " + template.name());
        ctx.header("Location", ApiRoutes.BASE + "/workflows/" + stored.id());
        Json.respond(ctx, 201, wire.workflow(stored, node.resolve(tenant, stored.id(), stored.version()).description(),
                false));
    }

    private BundledTemplates.Template find(String name) {
        return node.templates().find(name).orElseThrow(() -> BatonException.notFound("template", name));
    }

    private static ObjectNode summary(BundledTemplates.Template template, boolean withSource) {
        ObjectNode item = Json.MAPPER.createObjectNode();
        item.put("name", template.name());
        JsonNode tree;
        try {
            tree = YAML.readTree(template.source());
        } catch (Exception e) {
            tree = null;
        }
        item.put("id", tree != null ? tree.path("id").asText(template.name()) : template.name());
        item.put("description", tree != null ? tree.path("description").asText("") : "");
        if (withSource) {
            item.put("source", template.source());
        }
        return item;
    }
}
