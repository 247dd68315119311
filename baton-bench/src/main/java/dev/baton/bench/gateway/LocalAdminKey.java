package dev.baton.bench.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The first admin key of a node, made the way an operator makes it before the server first starts:
 * {@code java -jar baton.jar keys create --local --config baton.yaml --name bench --role admin --json}, straight
 * into the configured store (the embedded H2 file is locked while a server holds it, so this runs before
 * {@link BatonProcess} starts the server). The secret is read from the command's JSON answer ({@code "key"}).
 */
final class LocalAdminKey {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalAdminKey() {
    }

    /**
     * Runs {@code baton keys create --local} against {@code config} with the JDK running the harness; the secret
     * ({@code bt_...}).
     *
     * @throws IllegalStateException when the command fails or prints no key (with its output)
     */
    static String create(Path jar, Path config) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toAbsolutePath().toString(), "keys", "create", "--local", "--config",
                config.toString(), "--name", "bench", "--role", "admin", "--json"));
        Process process = new ProcessBuilder(command).directory(config.getParent().toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("baton keys create --local exited with " + exit + ":\n" + output);
        }
        return secret(output);
    }

    /**
     * The {@code "key"} of the last line of {@code output} that is a JSON object (log lines may precede it).
     *
     * @throws IllegalStateException when no such line holds a key starting {@code bt_}
     */
    static String secret(String output) {
        String[] lines = output.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode answer;
            try {
                answer = JSON.readTree(line);
            } catch (IOException notJson) {
                continue;
            }
            String key = answer.path("key").asText("");
            if (key.startsWith("bt_")) {
                return key;
            }
        }
        throw new IllegalStateException("no API key (a JSON line with \"key\": \"bt_...\") in the output of "
                + "baton keys create --local:\n" + output);
    }
}
