package dev.baton.ai.step;

import dev.baton.core.step.StepContext;
import dev.baton.gateway.CallContext;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

class CallsTest {
    /** A step attempt of run {@code run-7} of tenant {@code acme}. */
    private static final StepContext ACME_STEP = new StepContext() {
        @Override
        public String tenantId() {
            return "acme";
        }

        @Override
        public String runId() {
            return "run-7";
        }

        @Override
        public String stepId() {
            return "summarize";
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public String idempotencyKey() {
            return "run-7/summarize";
        }

        @Override
        public InstantSource clock() {
            return InstantSource.fixed(TestContext.NOW);
        }

        @Override
        public Instant deadline() {
            return Instant.MAX;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    @Test
    void a_step_calls_the_gateway_as_its_runs_tenant_without_a_key() {
        CallContext call = Calls.of(ACME_STEP);

        assertThat(call.tenantId()).isEqualTo("acme"); // its quotas apply, its usage is recorded under it
        assertThat(call.usageTenant()).isEqualTo("acme");
        assertThat(call.keyId()).isNull();
        assertThat(call.runId()).isEqualTo("run-7");
        assertThat(call.principal()).isEqualTo(CallContext.ANONYMOUS);
        assertThat(call.idempotencyKey()).isEqualTo("run-7/summarize");
    }
}
