package dev.baton.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.baton.core.error.BatonException;
import dev.baton.core.workflow.WorkflowParser;

class WorkflowParserFuzzTest {
    private static final WorkflowParser PARSER = new WorkflowParser();

    @FuzzTest
    void parse(byte[] data) {
        try {
            PARSER.parse(new String(data, java.nio.charset.StandardCharsets.UTF_8), "fuzz.yaml");
        } catch (BatonException expected) {
        }
    }
}
