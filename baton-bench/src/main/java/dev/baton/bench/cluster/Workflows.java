package dev.baton.bench.cluster;

/** The workflows the cluster harnesses register (docs/language.md). */
final class Workflows {
    private Workflows() {
    }

    /**
     * The 3-step no-op chain {@code a → b → c} of built-in {@code transform} steps (the cheapest step type: no
     * plug-in handler, no I/O), under id {@code id}; the same chain as {@code EngineThroughput}'s.
     */
    static String chain(String id) {
        return """
                id: %s
                description: three no-op steps in a chain (benchmark)
                steps:
                  a:
                    uses: transform
                    with: {value: 1}
                  b:
                    uses: transform
                    needs: [a]
                    with: {value: 2}
                  c:
                    uses: transform
                    needs: [b]
                    with: {value: 3}
                """.formatted(id);
    }

    /** One durable {@code sleep} of {@code duration} (e.g. {@code 1h}): a run that holds a running-run slot. */
    static String sleeper(String id, String duration) {
        return """
                id: %s
                description: a run that sleeps (benchmark)
                steps:
                  wait:
                    uses: sleep
                    with: {duration: %s}
                """.formatted(id, duration);
    }

    /**
     * A long-ish run: {@code steps} steps in a chain, each a {@code sleep} of {@code stepDuration} followed by
     * nothing else, so the run lasts about {@code steps × stepDuration} and starts a new attempt every
     * {@code stepDuration}.
     */
    static String longChain(String id, int steps, String stepDuration) {
        StringBuilder yaml = new StringBuilder("id: " + id + "\ndescription: a chain of short sleeps (benchmark)\n"
                + "steps:\n");
        for (int i = 1; i <= steps; i++) {
            yaml.append("  s").append(i).append(":\n    uses: sleep\n");
            if (i > 1) {
                yaml.append("    needs: [s").append(i - 1).append("]\n");
            }
            yaml.append("    with: {duration: ").append(stepDuration).append("}\n");
        }
        return yaml.toString();
    }
}
