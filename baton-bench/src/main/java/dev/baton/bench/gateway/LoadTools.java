package dev.baton.bench.gateway;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The external load generators: {@code hey} and {@code wrk}, Debian packages of the same names. When one is not
 * on the {@code PATH} it is installed with {@code apt-get install -y hey wrk} (the harness machines run as
 * root; elsewhere install them first). Output of apt-get goes to this process's stderr.
 */
final class LoadTools {
    private LoadTools() {
    }

    /** The path of each of {@code tools}, installing the packages when one is missing. */
    static List<Path> require(String... tools) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (find(tool).isEmpty()) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            System.err.println("installing " + missing + " with apt-get (Debian packages)");
            List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
            command.addAll(missing);
            int exit = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("apt-get install " + missing + " failed with " + exit
                        + "; install the packages " + missing + " by hand (apt-get update first if the lists are"
                        + " missing)");
            }
        }
        List<Path> paths = new ArrayList<>();
        for (String tool : tools) {
            paths.add(find(tool).orElseThrow(() -> new IllegalStateException(tool + " is not on the PATH")));
        }
        return paths;
    }

    private static Optional<Path> find(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
