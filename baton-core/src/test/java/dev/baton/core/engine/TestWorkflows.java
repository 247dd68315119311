package dev.baton.core.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.core.error.SourceLocation;
import dev.baton.core.expr.ExpressionScope;
import dev.baton.core.expr.Templates;
import dev.baton.core.expr.ValueTemplate;
import dev.baton.core.workflow.OnError;
import dev.baton.core.workflow.RetryPolicy;
import dev.baton.core.workflow.Step;
import dev.baton.core.workflow.Workflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds workflows for engine tests with real CEL templates (arguments written as YAML). */
final class TestWorkflows {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String id;
    private final Map<String, Step> steps = new LinkedHashMap<>();
    private ValueTemplate outputs;
    private Duration timeout;
    private Workflow.StepDefaults defaults = new Workflow.StepDefaults(RetryPolicy.NONE, null);

    private TestWorkflows(String id) {
        this.id = id;
    }

    static TestWorkflows workflow(String id) {
        return new TestWorkflows(id);
    }

    TestWorkflows step(StepSpec spec) {
        steps.put(spec.id, spec.build(ExpressionScope.RUN));
        return this;
    }

    TestWorkflows outputs(String yaml) {
        outputs = Templates.compile(json(yaml), "outputs", SourceLocation.UNKNOWN);
        return this;
    }

    TestWorkflows timeout(Duration value) {
        timeout = value;
        return this;
    }

    TestWorkflows defaults(RetryPolicy retry, Duration stepTimeout) {
        defaults = new Workflow.StepDefaults(retry, stepTimeout);
        return this;
    }

    Workflow build() {
        return new Workflow(id, 1, "", null, steps, outputs, timeout, defaults);
    }

    static StepSpec step(String id, String uses, String withYaml) {
        return new StepSpec(id, uses, withYaml);
    }

    static JsonNode json(String yaml) {
        try {
            JsonNode node = YAML.readTree(yaml);
            return node == null ? YAML.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A step under construction. */
    static final class StepSpec {
        final String id;
        final String uses;
        final String withYaml;
        final List<String> needs = new ArrayList<>();
        String when;
        RetryPolicy retry = RetryPolicy.NONE;
        Duration timeout;
        OnError onError = OnError.FAIL;
        StepSpec body;

        StepSpec(String id, String uses, String withYaml) {
            this.id = id;
            this.uses = uses;
            this.withYaml = withYaml;
        }

        StepSpec needs(String... ids) {
            needs.addAll(List.of(ids));
            return this;
        }

        StepSpec when(String condition) {
            when = condition;
            return this;
        }

        StepSpec retry(RetryPolicy policy) {
            retry = policy;
            return this;
        }

        StepSpec timeout(Duration value) {
            timeout = value;
            return this;
        }

        StepSpec onError(OnError value) {
            onError = value;
            return this;
        }

        StepSpec body(StepSpec inner) {
            body = inner;
            return this;
        }

        Step build(ExpressionScope scope) {
            ValueTemplate with = Templates.compile(json(withYaml == null ? "{}" : withYaml), "steps." + id + ".with",
                    SourceLocation.UNKNOWN, scope);
            ValueTemplate condition = when == null ? null
                    : Templates.compile(YAML.getNodeFactory().textNode(when), "steps." + id + ".if",
                    SourceLocation.UNKNOWN, scope);
            Step inner = body == null ? null : body.build(ExpressionScope.MAP_ITEM);
            return new Step(id, uses, with, needs, condition, retry, timeout, onError, inner, SourceLocation.UNKNOWN);
        }
    }
}
