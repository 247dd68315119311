package dev.baton.core.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.AttemptStatus;
import dev.baton.core.run.StepAttempt;
import dev.baton.core.run.StepError;
import dev.baton.core.workflow.BuiltInSteps;
import dev.baton.core.workflow.OnError;
import dev.baton.core.workflow.Step;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code map}: runs the step's {@link Step#body() body} once per item of {@code with.items}, at most
 * {@code with.concurrency} (1..1000, default 8) at a time, and outputs the per-item outputs in input order.
 *
 * <p>Each item is a step of its own with id {@code <stepId>[<index>]}: its attempts are journaled under that id,
 * it has the body's retry policy and timeout, and it sees {@code item} and {@code index}. A body of type
 * {@code workflow} makes a map over a sub-workflow: each item is a child run keyed {@code <runId>/<stepId>[<index>]}.
 * An item that fails finally fails the map step (the other items are cancelled) unless the body has
 * {@code onError: continue}, in which case its slot is {@code null}. The map step itself is not retried as a whole.
 *
 * <p>All state lives on the run's mailbox. On resume the map re-attaches: items already finished keep their
 * journaled outputs, interrupted items are retried, the rest start as usual.
 */
final class MapExecution implements Execution {
    private AttemptRun attempt;
    private JsonNode items;
    private int concurrency;
    private StepRunner[] runners;
    private JsonNode[] outputs;
    private int next;
    private int active;
    private int finished;
    private boolean over;

    @Override
    public void begin(AttemptRun attempt, JsonNode input) {
        this.attempt = attempt;
        try {
            parse(input);
        } catch (BatonException e) {
            if (attempt.markStarted(input)) {
                attempt.completeFromExecution(Outcome.failed(new StepError(e.code().code(), e.getMessage(), false)));
            }
            return;
        }
        if (!attempt.markStarted(input)) {
            return;
        }
        attempt.startedDurable().thenRun(() -> attempt.run().mailbox().execute(() -> {
            attempt.armTimeout();
            pump();
        }));
    }

    @Override
    public boolean canReattach() {
        return true;
    }

    @Override
    public void reattach(AttemptRun attempt, StepAttempt previous) {
        this.attempt = attempt;
        try {
            parse(previous.input());
        } catch (BatonException e) {
            attempt.completeFromExecution(Outcome.failed(new StepError(e.code().code(), e.getMessage(), false)));
            return;
        }
        Map<String, List<StepAttempt>> byItem = attempt.run().recoveredAttempts();
        List<Integer> recovered = new ArrayList<>();
        for (int index = 0; index < runners.length; index++) {
            List<StepAttempt> itemAttempts = byItem.get(itemId(index));
            if (itemAttempts != null && !itemAttempts.isEmpty()) {
                runner(index);
                active++;
                recovered.add(index);
            }
        }
        // Every recovered item has its runner before any of them reports, so pump never starts one twice.
        for (int index : recovered) {
            runners[index].recover(byItem.get(itemId(index)));
        }
        pump();
    }

    @Override
    public boolean retriesOnTimeout() {
        return false;
    }

    private void parse(JsonNode input) {
        if (attempt.step().body() == null) {
            throw new BatonException(ErrorCode.INVALID_WORKFLOW,
                    "map step '" + attempt.stepId() + "' has no inner step or workflow to run per item");
        }
        items = input == null ? null : input.get("items");
        if (items == null || !items.isArray()) {
            throw BuiltInArguments.invalid("with.items", "expected a list, got "
                    + (items == null ? "nothing" : items.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        JsonNode limit = input.path("concurrency");
        if (limit.isMissingNode() || limit.isNull()) {
            concurrency = BuiltInSteps.DEFAULT_MAP_CONCURRENCY;
        } else if (limit.canConvertToInt() && limit.isIntegralNumber() && limit.intValue() >= 1
                && limit.intValue() <= BuiltInSteps.MAX_MAP_CONCURRENCY) {
            concurrency = limit.intValue();
        } else {
            throw BuiltInArguments.invalid("with.concurrency", "expected an integer between 1 and 1000, got " + limit);
        }
        runners = new StepRunner[items.size()];
        outputs = new JsonNode[items.size()];
    }

    private String itemId(int index) {
        return attempt.stepId() + "[" + index + "]";
    }

    private StepRunner runner(int index) {
        Step body = attempt.step().body();
        Map<String, JsonNode> locals = Map.of("item", items.get(index), "index", IntNode.valueOf(index));
        StepRunner runner = new StepRunner(attempt.run(), body, itemId(index),
                n -> attempt.bindings().withLocals(locals), outcome -> onItemDone(index, outcome));
        runners[index] = runner;
        return runner;
    }

    /** Starts items until the concurrency limit is reached; finishes the map when every item is done. */
    private void pump() {
        while (!over && active < concurrency && next < runners.length) {
            int index = next++;
            if (runners[index] != null) {
                continue;
            }
            active++;
            runner(index).start();
        }
        if (!over && finished == runners.length) {
            over = true;
            ArrayNode result = JsonNodeFactory.instance.arrayNode(outputs.length);
            for (JsonNode output : outputs) {
                result.add(output == null ? JsonNodeFactory.instance.nullNode() : output);
            }
            attempt.completeFromExecution(Outcome.succeeded(result));
        }
    }

    private void onItemDone(int index, Outcome outcome) {
        active--;
        finished++;
        if (over) {
            return;
        }
        if (outcome.status() == AttemptStatus.SUCCEEDED) {
            outputs[index] = outcome.output();
        } else if (outcome.isFailure() && attempt.step().body().onError() == OnError.FAIL) {
            over = true;
            StepError cause = outcome.error();
            String code = cause == null ? ErrorCode.STEP_FAILED.code() : cause.code();
            StepError error = new StepError(code, "item " + index + " of map step '" + attempt.stepId()
                    + "' failed" + (cause == null ? "" : ": " + cause.message()), false);
            cancelItems(StepError.of(ErrorCode.CANCELLED, "another item of map step '" + attempt.stepId() + "' failed"));
            attempt.completeFromExecution(Outcome.failed(error));
            return;
        }
        pump();
    }

    private void cancelItems(StepError reason) {
        for (StepRunner runner : runners) {
            if (runner != null) {
                runner.cancel(reason);
            }
        }
    }

    /** The run was let go: every item stops without journaling (on the run's mailbox). */
    void abandon() {
        over = true;
        if (runners != null) {
            for (StepRunner runner : runners) {
                if (runner != null) {
                    runner.abandon();
                }
            }
        }
    }

    @Override
    public void stop(AttemptRun stopped) {
        stopped.run().mailbox().execute(() -> {
            over = true;
            if (runners != null) {
                cancelItems(StepError.of(ErrorCode.CANCELLED, "map step '" + stopped.stepId() + "' was stopped"));
            }
        });
    }
}
