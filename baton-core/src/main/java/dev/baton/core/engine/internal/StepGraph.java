package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.workflow.Step;
import dev.baton.core.workflow.Workflow;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The steps of one run as a DAG of {@link Slot}s (in workflow order), each {@code PENDING}, {@code ACTIVE} (its
 * {@link StepRunner} is running it) or {@code DONE}, and the readiness rules: a step is ready when every step in
 * {@link Step#dependencies()} is done. The {@link RunCoordinator} decides when slots change state; this class only
 * holds them and answers questions about them.
 *
 * <p>Thread-safety: not thread-safe; confined to the run's {@link Mailbox}, like its coordinator.
 */
final class StepGraph {
    private final Map<String, Slot> slots = new LinkedHashMap<>();

    StepGraph(Workflow workflow) {
        for (Step step : workflow.steps().values()) {
            slots.put(step.id(), new Slot(step, Dependencies.of(step, workflow)));
        }
    }

    /** Every slot, in workflow order. */
    Collection<Slot> slots() {
        return slots.values();
    }

    /** Whether the step has finished (an id outside the workflow counts as finished). */
    boolean isDone(String stepId) {
        Slot slot = slots.get(stepId);
        return slot == null || slot.state == SlotState.DONE;
    }

    /** Whether the pending step may start now: not being prestarted, and every dependency finished. */
    boolean isReady(Slot slot) {
        return slot.state == SlotState.PENDING && slot.prestart == null
                && slot.dependencies.stream().allMatch(this::isDone);
    }

    /**
     * Whether the pending step becomes ready once {@code finishedId} (one of its dependencies, not yet done)
     * finishes: not being prestarted already, and every other dependency finished.
     */
    boolean isReadyAfter(Slot slot, String finishedId) {
        return slot.state == SlotState.PENDING && slot.prestart == null && slot.dependencies.contains(finishedId)
                && slot.dependencies.stream().allMatch(d -> d.equals(finishedId) || isDone(d));
    }

    /** Whether any step is running. */
    boolean anyActive() {
        return slots.values().stream().anyMatch(s -> s.state == SlotState.ACTIVE);
    }

    /** Every step's output by step id ({@code null} for a step without one): the run's outputs by default. */
    ObjectNode outputsById() {
        ObjectNode all = JsonNodeFactory.instance.objectNode();
        slots.forEach((id, slot) -> all.set(id, slot.outcome == null ? null : slot.outcome.output()));
        return all;
    }

    enum SlotState { PENDING, ACTIVE, DONE }

    /** One step of the run and where it stands. Confined to the run's mailbox. */
    static final class Slot {
        final Step step;
        final Set<String> dependencies;
        SlotState state = SlotState.PENDING;
        StepRunner runner;
        /** A runner whose first attempt's start is being journaled with a dependency's finish. */
        StepRunner prestart;
        Outcome outcome;

        Slot(Step step, Set<String> dependencies) {
            this.step = step;
            this.dependencies = dependencies;
        }
    }
}
