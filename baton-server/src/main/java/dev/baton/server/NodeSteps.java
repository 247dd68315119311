package dev.baton.server;

import dev.baton.ai.EmbeddingModelRegistry;
import dev.baton.ai.onnx.BgeSmallEnV15Model;
import dev.baton.ai.onnx.OnnxSettings;
import dev.baton.ai.step.AiSteps;
import dev.baton.core.error.BatonException;
import dev.baton.core.security.EgressPolicy;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepRegistry;
import dev.baton.core.store.InMemoryWorkflowStore;
import dev.baton.core.store.WorkflowStore;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowCatalog;
import dev.baton.core.workflow.WorkflowParser;
import dev.baton.core.workflow.WorkflowValidator;
import dev.baton.gateway.Gateway;
import dev.baton.gateway.config.GatewayConfig;
import dev.baton.steps.http.HttpStep;
import dev.baton.steps.http.HttpStepSettings;
import io.opentelemetry.api.OpenTelemetry;

import java.util.ArrayList;
import java.util.List;

/**
 * The step handlers of a node and the workflow language they are checked against: the in-process embedding model
 * (loading in the background unless {@code ai.loadInBackground} is false), the {@code http} step, the AI steps
 * ({@code embed}, {@code similarity}, {@code classify}, {@code llm.*}) calling the gateway through a
 * {@link DeferredGateway} that {@link BatonNode} binds once the gateway is assembled, and the parser and validator
 * (loaded by validating a warm-up definition). {@link BatonNode} builds one at open and holds it; the model and the
 * http step are closed by {@link NodeTeardown}. Thread-safe once built.
 */
final class NodeSteps {
    /** Validated once at start so the language's classes (parser, CEL) are loaded before the first request. */
    private static final String WARM_UP = """
            id: warm-up
            inputs: {type: object, properties: {text: {type: string}}}
            steps:
              a: {uses: transform, with: {value: "{{ inputs.text }}"}}
            outputs: {text: "{{ steps.a.output }}"}
            """;

    private final BgeSmallEnV15Model model;
    private final HttpStep http;
    private final EmbeddingModelRegistry models;
    private final GatewayConfig served;
    private final DeferredGateway gateway;
    private final StepRegistry registry;
    private final WorkflowParser parser;
    private final WorkflowValidator validator;

    private NodeSteps(BgeSmallEnV15Model model, HttpStep http, EmbeddingModelRegistry models, GatewayConfig served,
                      DeferredGateway gateway, StepRegistry registry, WorkflowParser parser,
                      WorkflowValidator validator) {
        this.model = model;
        this.http = http;
        this.models = models;
        this.served = served;
        this.gateway = gateway;
        this.registry = registry;
        this.parser = parser;
        this.validator = validator;
    }

    /**
     * Starts loading the model (first: it is the longest part of start-up), then builds the http step, the step
     * registry and the language, and validates the warm-up definition. On failure closes the model and the http
     * step it opened, then rethrows.
     *
     * @param egress the node's egress policy, enforced by the http step
     * @throws BatonException STEP_FAILED when the model is loaded in the foreground and fails
     */
    static NodeSteps start(BatonConfig config, OpenTelemetry openTelemetry, EgressPolicy egress) {
        BgeSmallEnV15Model model = null;
        HttpStep http = null;
        try {
            BatonConfig.Ai ai = config.ai();
            if (ai.enabled()) {
                model = ai.loadInBackground()
                        ? BgeSmallEnV15Model.loadInBackground(OnnxSettings.defaults())
                        : BgeSmallEnV15Model.load(OnnxSettings.defaults());
            }
            EmbeddingModelRegistry models = new EmbeddingModelRegistry(BgeSmallEnV15Model.NAME);
            http = new HttpStep(HttpStepSettings.defaults().withClients(config.http().clients()), openTelemetry,
                    egress);
            // The llm.* steps call the gateway, whose outermost layer records usage into the store that is still
            // opening: they get it through a reference bound (bindGateway) before any run can start.
            GatewayConfig served = GatewayStack.withLocalModel(config.gateway(),
                    ai.enabled() ? BgeSmallEnV15Model.NAME : null);
            DeferredGateway gateway = new DeferredGateway(GatewayStack.models(served));
            StepRegistry registry = registry(models, http, gateway);
            WorkflowParser parser = new WorkflowParser();
            WorkflowValidator validator = new WorkflowValidator(registry);
            new WorkflowCatalog(new InMemoryWorkflowStore(), parser, validator).validate(WARM_UP, "warm-up");
            return new NodeSteps(model, http, models, served, gateway, registry, parser, validator);
        } catch (RuntimeException | Error e) {
            if (model != null) {
                model.close();
            }
            if (http != null) {
                http.close();
            }
            throw e;
        }
    }

    /** See {@link BatonNode#validateDefinition}: validation against every step type, no model loaded. */
    static Workflow validateDefinition(String source, String sourceName, GatewayConfig gateway) {
        try (HttpStep probe = new HttpStep()) {
            // validation asks the gateway only for its models: the declared ones, no gateway built
            StepRegistry steps = registry(new EmbeddingModelRegistry(BgeSmallEnV15Model.NAME), probe,
                    new DeferredGateway(GatewayStack.models(GatewayStack.withLocalModel(gateway,
                            BgeSmallEnV15Model.NAME))));
            return new WorkflowCatalog(new InMemoryWorkflowStore(), steps).validate(source, sourceName);
        }
    }

    /** Every step handler of a node: http plus the AI steps over {@code models} and the gateway. */
    private static StepRegistry registry(EmbeddingModelRegistry models, HttpStep http, Gateway gateway) {
        List<StepHandler> handlers = new ArrayList<>(AiSteps.handlers(models, gateway));
        handlers.add(http);
        return StepRegistry.of(handlers);
    }

    /** Binds the gateway the {@code llm.*} steps call (once, before any run starts). */
    void bindGateway(Gateway assembled) {
        gateway.bind(assembled);
    }

    /** The catalog of the node's workflows in {@code store}, checked by this language. */
    WorkflowCatalog catalog(WorkflowStore store) {
        return new WorkflowCatalog(store, parser, validator);
    }

    /** The gateway configuration served: the configured one plus the in-process model as {@code local}. */
    GatewayConfig served() {
        return served;
    }

    /** The in-process embedding model, or {@code null} when {@code ai.enabled} is false. */
    BgeSmallEnV15Model model() {
        return model;
    }

    HttpStep http() {
        return http;
    }

    EmbeddingModelRegistry models() {
        return models;
    }

    StepRegistry registry() {
        return registry;
    }
}
