package dev.baton.core.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds dependency cycles among steps by depth-first search (a back edge to a step on the current path closes a
 * cycle). Each cycle is reported once, as the path starting and ending at its first step in document order.
 * Edges to unknown steps are ignored (reported elsewhere).
 */
final class DependencyCycles {
    private DependencyCycles() {
    }

    /**
     * @param dependencies for each step id in document order, the ids it depends on
     * @return cycles such as {@code [a, b, c, a]}
     */
    static List<List<String>> find(Map<String, Set<String>> dependencies) {
        List<String> order = new ArrayList<>(dependencies.keySet());
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            rank.put(order.get(i), i);
        }
        List<List<String>> cycles = new ArrayList<>();
        Set<Set<String>> seen = new HashSet<>();
        Set<String> done = new HashSet<>();
        for (String start : order) {
            visit(start, dependencies, new LinkedHashSet<>(), done, rank, seen, cycles);
        }
        return cycles;
    }

    private static void visit(String step, Map<String, Set<String>> dependencies, LinkedHashSet<String> path,
                              Set<String> done, Map<String, Integer> rank, Set<Set<String>> seen,
                              List<List<String>> cycles) {
        if (done.contains(step)) {
            return;
        }
        path.add(step);
        for (String next : dependencies.getOrDefault(step, Set.of())) {
            if (!dependencies.containsKey(next)) {
                continue;
            }
            if (path.contains(next)) {
                List<String> onPath = new ArrayList<>(path);
                List<String> cycle = new ArrayList<>(onPath.subList(onPath.indexOf(next), onPath.size()));
                if (seen.add(new HashSet<>(cycle))) {
                    cycles.add(normalise(cycle, rank));
                }
            } else {
                visit(next, dependencies, path, done, rank, seen, cycles);
            }
        }
        path.remove(step);
        done.add(step);
    }

    /** Rotates the cycle to start at its earliest step and closes it: {@code [a, b, c, a]}. */
    private static List<String> normalise(List<String> cycle, Map<String, Integer> rank) {
        int first = 0;
        for (int i = 1; i < cycle.size(); i++) {
            if (rank.get(cycle.get(i)) < rank.get(cycle.get(first))) {
                first = i;
            }
        }
        List<String> out = new ArrayList<>(cycle.subList(first, cycle.size()));
        out.addAll(cycle.subList(0, first));
        out.add(out.getFirst());
        return out;
    }
}
