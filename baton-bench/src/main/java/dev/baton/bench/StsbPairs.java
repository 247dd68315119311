package dev.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The STS Benchmark pairs from a TSV with header {@code score<TAB>sentence1<TAB>sentence2}, one pair per line,
 * no quoting (sentences may contain {@code "}; lines are split on TAB only).
 */
record StsbPairs(List<Pair> pairs) {

    /** One pair with its gold similarity (0..5). */
    record Pair(double score, String sentence1, String sentence2) {
    }

    StsbPairs {
        pairs = List.copyOf(pairs);
    }

    static StsbPairs read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().equals("score\tsentence1\tsentence2")) {
            throw new IOException(file + ": expected the header 'score<TAB>sentence1<TAB>sentence2'");
        }
        List<Pair> pairs = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != 3) {
                throw new IOException(file + ":" + (i + 1) + ": expected 3 TAB-separated fields, got " + fields.length);
            }
            pairs.add(new Pair(Double.parseDouble(fields[0]), fields[1], fields[2]));
        }
        return new StsbPairs(pairs);
    }

    /** Every distinct sentence, in first-seen order. */
    List<String> sentences() {
        LinkedHashSet<String> sentences = new LinkedHashSet<>();
        for (Pair pair : pairs) {
            sentences.add(pair.sentence1());
            sentences.add(pair.sentence2());
        }
        return List.copyOf(sentences);
    }
}
