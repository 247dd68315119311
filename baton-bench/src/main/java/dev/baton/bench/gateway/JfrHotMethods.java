package dev.baton.bench.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prints the top of {@code jfr view hot-methods} and {@code jfr view allocation-by-class} for a recording
 * (the JDK's {@code jfr} tool, JDK 21+): where a child's CPU samples and allocations went.
 */
final class JfrHotMethods {
    private JfrHotMethods() {
    }

    static void print(Path recording, int lines) throws IOException, InterruptedException {
        if (!Files.isRegularFile(recording)) {
            System.out.println("no JFR recording at " + recording);
            return;
        }
        String jfr = Path.of(System.getProperty("java.home"), "bin", "jfr").toString();
        for (String view : List.of("hot-methods", "allocation-by-class")) {
            Process process = new ProcessBuilder(jfr, "view", "--width", "200", view, recording.toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            System.out.println("\njfr view " + view + " " + recording + " (first " + lines + " lines):");
            output.lines().limit(lines).forEach(System.out::println);
        }
    }
}
