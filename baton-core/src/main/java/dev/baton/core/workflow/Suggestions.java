package dev.baton.core.workflow;

import java.util.Collection;
import java.util.List;

/**
 * "Did you mean" for misspelt names: the closest candidate by Levenshtein edit distance (V. I. Levenshtein,
 * 1966), case-insensitive, accepted when at most half of the longer name (minimum 1, maximum 3 edits) differs.
 */
final class Suggestions {
    private Suggestions() {
    }

    /** The closest candidate, or null when none is close enough. */
    static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : sorted(candidates)) {
            int distance = distance(name.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            int allowed = Math.min(3, Math.max(1, Math.max(name.length(), candidate.length()) / 2));
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    static List<String> sorted(Collection<String> names) {
        return names.stream().sorted().toList();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
