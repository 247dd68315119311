package dev.baton.core.engine.internal;

import dev.baton.core.workflow.Step;
import dev.baton.core.workflow.Workflow;

import java.util.LinkedHashSet;
import java.util.Set;

/** The steps a step waits for: its {@code needs} plus every step its templates read. */
final class Dependencies {
    private Dependencies() {
    }

    static Set<String> of(Step step, Workflow workflow) {
        Set<String> all = new LinkedHashSet<>(step.needs());
        for (Step s = step; s != null; s = s.body()) {
            all.addAll(s.with().referencedSteps());
            if (s.when() != null) {
                all.addAll(s.when().referencedSteps());
            }
        }
        all.remove(step.id());
        all.retainAll(workflow.steps().keySet());
        return Set.copyOf(all);
    }
}
