package dev.baton.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.step.StepContext;
import dev.baton.core.step.StepHandler;
import dev.baton.core.step.StepSignature;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** Small, real step handlers for engine tests. */
final class TestHandlers {
    private TestHandlers() {
    }

    /** Records what it was called with and returns {@code {"echo": <arguments>, "step": <stepId>}}. */
    static class Echo implements StepHandler {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> perStep = new ConcurrentHashMap<>();
        final List<JsonNode> arguments = new CopyOnWriteArrayList<>();
        private final String type;

        Echo(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public StepSignature signature() {
            return new StepSignature(Set.of(), Set.of("value", "id"));
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            calls.add(context.stepId() + "#" + context.attempt());
            perStep.computeIfAbsent(context.stepId(), id -> new AtomicInteger()).incrementAndGet();
            this.arguments.add(arguments);
            var out = JsonNodeFactory.instance.objectNode();
            out.set("echo", arguments);
            out.put("step", context.stepId());
            return out;
        }

        int invocations(String stepId) {
            AtomicInteger count = perStep.get(stepId);
            return count == null ? 0 : count.get();
        }
    }

    /** Fails the first {@code failures} calls of each step with the given error, then echoes. */
    static final class Flaky extends Echo {
        private final int failures;
        private final BatonException error;

        Flaky(String type, int failures, BatonException error) {
            super(type);
            this.failures = failures;
            this.error = error;
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            JsonNode out = super.execute(context, arguments);
            if (invocations(context.stepId()) <= failures) {
                throw error;
            }
            return out;
        }
    }

    /** Throws a plain (non-Baton) exception: a non-retriable STEP_FAILED. */
    static final class Broken extends Echo {
        Broken(String type) {
            super(type);
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            super.execute(context, arguments);
            throw new IllegalStateException("boom in " + context.stepId());
        }
    }

    /**
     * Blocks each call until released (or interrupted); tracks how many are inside at once and how many were
     * interrupted.
     */
    static final class Gate extends Echo {
        final Semaphore releases = new Semaphore(0);
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final List<String> entered = new CopyOnWriteArrayList<>();
        final List<String> enteredValues = new CopyOnWriteArrayList<>();
        final CountDownLatch anyEntered = new CountDownLatch(1);
        private final int limit;

        Gate(String type) {
            this(type, 0);
        }

        Gate(String type, int limit) {
            super(type);
            this.limit = limit;
        }

        @Override
        public int concurrencyLimit() {
            return limit;
        }

        @Override
        public JsonNode execute(StepContext context, JsonNode arguments) throws InterruptedException {
            int now = inside.incrementAndGet();
            maxInside.accumulateAndGet(now, Math::max);
            entered.add(context.stepId());
            enteredValues.add(arguments.path("value").asText());
            anyEntered.countDown();
            try {
                releases.acquire();
                return super.execute(context, arguments);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            } finally {
                inside.decrementAndGet();
            }
        }

        void release(int count) {
            releases.release(count);
        }
    }

    static BatonException retriable(String message) {
        return new BatonException(ErrorCode.UPSTREAM_UNAVAILABLE, message);
    }

    static BatonException rejected(String message) {
        return new BatonException(ErrorCode.UPSTREAM_REJECTED, message);
    }
}
