package dev.baton.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled examples on the production backend: a real node with the embedded H2 store and the in-process
 * embedding model, as {@code ./baton run} uses them.
 */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    private final ObjectMapper json = new ObjectMapper();
    private final CliHarness cli = new CliHarness(new NodeBackend());

    @TempDir
    Path dir;

    @Test
    void every_example_workflow_is_valid() throws Exception {
        List<Path> workflows;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            workflows = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(workflows).extracting(p -> p.getFileName().toString())
                .contains("classify-documents.yaml", "near-duplicates.yaml");
        for (Path workflow : workflows) {
            CliHarness.Result result = cli.run("validate", workflow.toString());
            assertThat(result.exitCode()).as(workflow + ": " + result.err()).isZero();
            assertThat(result.out()).startsWith("OK ");
        }
    }

    @Test
    void classify_documents_labels_a_folder_of_texts_with_scores_and_timings() throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("mit-style.txt"), """
                Copyright (c) 2026 Example Authors
                Permission is hereby granted, free of charge, to any person obtaining a copy of this software,
                to use, copy, modify, merge, publish, distribute, sublicense and sell copies of it, provided that
                the above copyright notice is included in all copies. The software is provided as is.
                """);
        Files.writeString(docs.resolve("gpl-style.txt"), """
                This program is free software: you can redistribute it and/or modify it under the terms of the
                GNU General Public License as published by the Free Software Foundation. If you distribute
                modified versions you must license them under the same terms and provide their source code.
                """);
        Files.writeString(docs.resolve("install-guide.md"), """
                # Installing the agent
                Download the package for your platform, unpack it and run `agent install`. Then edit
                /etc/agent/config.yaml to set the server address and start the service with `agent start`.
                Use `agent status` to check that it is running.
                """);
        Path out = dir.resolve("results.jsonl");

        CliHarness.Result result = cli.run("run", EXAMPLES.resolve("classify-documents.yaml").toString(),
                "--input-dir", docs.toString(), "--output", out.toString(), "--data-dir", dir.resolve("data").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("3 runs: 3 succeeded, 0 failed");
        assertThat(dir.resolve("data")).isNotEmptyDirectory();
        Map<String, String> labels = new HashMap<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode row = json.readTree(line);
            assertThat(row.at("/outputs/scores").size()).isEqualTo(3);
            assertThat(row.at("/outputs/score").asDouble()).isBetween(0.0, 1.0);
            assertThat(row.get("durationMs").asLong()).isNotNegative();
            labels.put(Path.of(row.get("source").asText()).getFileName().toString(), row.at("/outputs/label").asText());
        }
        assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of(
                "mit-style.txt", "permissive-license",
                "gpl-style.txt", "copyleft-license",
                "install-guide.md", "documentation"));
    }
}
