package dev.baton.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.server.BatonConfig;
import dev.baton.server.BatonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes workflow definitions through the parser and the validator of a real node (every step type a node
 * knows: built-ins, http, AI steps), as {@code POST /api/v1/workflows} and {@code baton validate} do.
 *
 * <p>Contract: any text either validates or fails with {@code invalid-workflow}; nothing else is thrown, and
 * no definition takes longer than {@link #BOUND_MILLIS} to judge.
 */
class WorkflowFuzzTest {
    /** Longest a definition of at most 1 MiB may take to parse and validate. */
    static final long BOUND_MILLIS = 5_000;

    private static BatonNode node;

    @BeforeAll
    static void open() {
        node = BatonNode.open(BatonConfig.inMemory().withAi(BatonConfig.Ai.DISABLED));
    }

    @AfterAll
    static void close() {
        node.close();
    }

    @FuzzTest(maxDuration = "10s")
    void parses_and_validates_any_text_or_says_why_not(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        long started = System.nanoTime();
        try {
            node.catalog().validate(text, "fuzz.yaml");
        } catch (BatonException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
            assertThat(e.getMessage()).isNotBlank();
        }
        assertThat((System.nanoTime() - started) / 1_000_000).as("milliseconds to judge one definition")
                .isLessThan(BOUND_MILLIS);
    }
}
