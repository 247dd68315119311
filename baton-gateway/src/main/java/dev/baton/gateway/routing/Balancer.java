package dev.baton.gateway.routing;

import dev.baton.gateway.config.Strategy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * A load-balancing strategy of one model alias: ranks the alias's enabled deployments from most to least
 * preferred for the next attempt. The router then walks the ranking and sends the attempt to the first
 * deployment whose breaker permits it and whose token buckets have room, so deployments that are open or
 * limited are skipped without the strategy knowing about them; for {@link WeightedRandom} this still picks among
 * the available ones in proportion to their weights (the first available element of a weighted random order
 * without replacement is distributed like a weighted draw among the available ones).
 *
 * <p>Implementations are thread-safe; their state is atomic.
 */
sealed interface Balancer {

    /**
     * The ranking for one attempt.
     *
     * @param enabled the alias's enabled deployments in configured order (not empty)
     * @return the same deployments, most preferred first
     */
    List<DeploymentState> rank(List<DeploymentState> enabled);

    /** The balancer of {@code strategy}. */
    static Balancer of(Strategy strategy, SharedRandom random, InstantSource clock) {
        return switch (strategy) {
            case ROUND_ROBIN -> new RoundRobin(new AtomicLong());
            case WEIGHTED -> new WeightedRandom(random);
            case LEAST_BUSY -> new LeastBusy();
            case LATENCY -> new LowestLatency(clock);
            case PRIORITY -> new Priority();
        };
    }

    /** Each deployment in turn: the ranking starts one further along at every call. */
    record RoundRobin(AtomicLong next) implements Balancer {
        @Override
        public List<DeploymentState> rank(List<DeploymentState> enabled) {
            int size = enabled.size();
            int start = (int) Math.floorMod(next.getAndIncrement(), (long) size);
            var ranked = new ArrayList<DeploymentState>(size);
            for (int i = 0; i < size; i++) {
                ranked.add(enabled.get((start + i) % size));
            }
            return ranked;
        }
    }

    /** A weighted random order without replacement: each pick is random in proportion to the remaining weights. */
    record WeightedRandom(SharedRandom random) implements Balancer {
        @Override
        public List<DeploymentState> rank(List<DeploymentState> enabled) {
            var left = new ArrayList<>(enabled);
            var ranked = new ArrayList<DeploymentState>(enabled.size());
            long total = left.stream().mapToLong(d -> d.deployment().weight()).sum();
            while (!left.isEmpty()) {
                double point = random.nextDouble() * total;
                int chosen = left.size() - 1;
                for (int i = 0; i < left.size(); i++) {
                    point -= left.get(i).deployment().weight();
                    if (point < 0) {
                        chosen = i;
                        break;
                    }
                }
                DeploymentState pick = left.remove(chosen);
                total -= pick.deployment().weight();
                ranked.add(pick);
            }
            return ranked;
        }
    }

    /** Fewest requests in flight first; ties keep the configured order. */
    record LeastBusy() implements Balancer {
        @Override
        public List<DeploymentState> rank(List<DeploymentState> enabled) {
            return sortedBy(enabled, d -> d.health().inFlight());
        }
    }

    /**
     * Lowest latency EWMA ({@link LatencyEwma}) first; ties keep the configured order.
     *
     * <p>Exploration: a deployment that has not been sent a call for {@link #EXPLORE_AFTER} (or never) comes
     * before all others, so each deployment is measured at the start and re-measured about once per
     * {@code EXPLORE_AFTER} while others are preferred: a deployment that was slow or failed once is not
     * starved forever, and one that got faster is noticed. A deployment whose calls so far all failed (no latency
     * sample) comes last until then.
     *
     * @param clock the router's clock
     */
    record LowestLatency(InstantSource clock) implements Balancer {

        /** How long a deployment may go without a call before it is explored again. */
        static final Duration EXPLORE_AFTER = Duration.ofMinutes(1);

        @Override
        public List<DeploymentState> rank(List<DeploymentState> enabled) {
            Instant stale = clock.instant().minus(EXPLORE_AFTER);
            return sortedBy(enabled, d -> key(d, stale));
        }

        private static double key(DeploymentState deployment, Instant stale) {
            DeploymentHealth health = deployment.health();
            Instant last = health.lastStarted();
            if (last == null || last.isBefore(stale)) {
                return Double.NEGATIVE_INFINITY;
            }
            LatencyEwma latency = health.latency();
            return latency.hasSamples() ? latency.millis() : Double.POSITIVE_INFINITY;
        }
    }

    /** The configured order: later deployments only when earlier ones are unavailable. */
    record Priority() implements Balancer {
        @Override
        public List<DeploymentState> rank(List<DeploymentState> enabled) {
            return enabled;
        }
    }

    /**
     * {@code deployments} ordered by a key read once per deployment (in-flight counts and latencies change while
     * other calls run; sorting on live values could break the sort's contract). Stable: ties keep the order.
     */
    private static List<DeploymentState> sortedBy(List<DeploymentState> deployments,
                                                  ToDoubleFunction<DeploymentState> key) {
        int n = deployments.size();
        double[] keys = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key.applyAsDouble(deployments.get(i));
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> keys[i]));
        var ranked = new ArrayList<DeploymentState>(n);
        for (Integer i : order) {
            ranked.add(deployments.get(i));
        }
        return ranked;
    }
}
