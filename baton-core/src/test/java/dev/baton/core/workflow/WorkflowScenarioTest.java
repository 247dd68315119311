package dev.baton.core.workflow;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Workflow files under {@code src/test/resources/workflows}: every file in {@code valid/} validates; every file
 * in {@code invalid/} is rejected with exactly the errors listed in its {@code # expect: line:column: message}
 * comments (or, for JSON, in a {@code <file>.expect} file next to it), in order.
 */
class WorkflowScenarioTest {
    private final WorkflowCatalog catalog = new WorkflowCatalog(new WorkflowCatalogTest.FakeWorkflowStore(),
            WorkflowValidatorTest.REGISTRY_WITH_AI);

    static Stream<Path> valid() throws IOException, URISyntaxException {
        return files("workflows/valid");
    }

    static Stream<Path> invalid() throws IOException, URISyntaxException {
        return files("workflows/invalid").filter(p -> !p.toString().endsWith(".expect"));
    }

    private static Stream<Path> files(String dir) throws IOException, URISyntaxException {
        Path path = Path.of(Objects.requireNonNull(WorkflowScenarioTest.class.getClassLoader().getResource(dir)).toURI());
        try (Stream<Path> list = Files.list(path)) {
            return list.sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void valid_workflows_validate(Path file) throws IOException {
        Workflow workflow = catalog.validate(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
        assertThat(workflow.steps()).isNotEmpty();
        assertThat(workflow.version()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalid_workflows_are_rejected_with_exact_errors(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String name = file.getFileName().toString();
        List<String> expected = expectations(file, text);
        assertThat(expected).as("expectations of " + name).isNotEmpty();
        assertThatThrownBy(() -> catalog.validate(text, name))
                .isInstanceOf(BatonException.class)
                .satisfies(e -> {
                    BatonException b = (BatonException) e;
                    assertThat(b.code()).isEqualTo(ErrorCode.INVALID_WORKFLOW);
                    List<String> actual = b.errors().stream().map(FieldError::toString)
                            .map(s -> s.startsWith(name + ":") ? s.substring(name.length() + 1) : s).toList();
                    assertThat(actual).containsExactlyElementsOf(expected);
                    assertThat(b.getMessage()).contains(b.errors().getFirst().toString());
                });
    }

    private static List<String> expectations(Path file, String text) throws IOException {
        Path sidecar = file.resolveSibling(file.getFileName() + ".expect");
        if (Files.exists(sidecar)) {
            return Files.readAllLines(sidecar, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (line.startsWith("# expect: ")) {
                out.add(line.substring("# expect: ".length()));
            }
        }
        return out;
    }
}
