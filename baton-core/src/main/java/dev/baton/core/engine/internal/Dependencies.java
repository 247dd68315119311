package dev.baton.core.engine.internal;

import dev.baton.core.workflow.Step;
import dev.baton.core.workflow.Workflow;

import java.util.LinkedHashSet;
import java.util.Set;

/** The steps a step waits for ({@link Step#dependencies()}), limited to steps of the workflow. */
final class Dependencies {
    private Dependencies() {
    }

    static Set<String> of(Step step, Workflow workflow) {
        Set<String> all = new LinkedHashSet<>(step.dependencies());
        all.remove(step.id());
        all.retainAll(workflow.steps().keySet());
        return Set.copyOf(all);
    }
}
