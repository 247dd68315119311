package dev.baton.observability.alerts;

import dev.baton.gateway.admin.DeploymentStatus;
import dev.baton.observability.system.SystemSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Evaluates the alert rules after each host sample ({@link #onSample}) and on demand ({@link #evaluate}), and keeps
 * the alerts: a condition that holds is pending until it has held for the rule's {@code for} duration, then an
 * alert FIRES (its value and summary follow later evaluations); when the condition clears (or can no longer be
 * judged) the alert is RESOLVED and kept in a bounded history of resolved alerts, oldest dropped first.
 *
 * <p>Thread-safe: evaluations run one at a time (rules only read memory, the listener only queues); the state
 * lock readers share is held only to compare and update (no I/O inside). Readers get immutable copies.
 */
public final class AlertEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEvaluator.class);

    private final List<AlertRule> rules;
    private final RecentRuns runs;
    private final Supplier<List<DeploymentStatus>> deployments;
    private final Supplier<SystemSample> latestSample;
    private final AlertListener listener;
    private final InstantSource clock;
    private final int keepResolved;
    private final ReentrantLock evaluating = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Instant> pendingSince = new HashMap<>();
    private final Map<String, Alert> firing = new LinkedHashMap<>();
    private final ArrayDeque<Alert> resolved = new ArrayDeque<>();

    /**
     * @param rules        the rules to evaluate ({@link AlertRule#of})
     * @param runs         the engine observer's window of recent runs
     * @param deployments  the gateway's deployments (e.g. {@code admin::deployments}); a supplier that throws
     *                     counts as no deployments for that evaluation
     * @param latestSample the latest host sample for on-demand evaluations, {@code null} when there is none
     * @param listener     told of every alert that fires or resolves
     * @param keepResolved how many resolved alerts are kept
     */
    public AlertEvaluator(List<AlertRule> rules, RecentRuns runs, Supplier<List<DeploymentStatus>> deployments,
                          Supplier<SystemSample> latestSample, AlertListener listener, InstantSource clock,
                          int keepResolved) {
        this.rules = List.copyOf(rules);
        this.runs = Objects.requireNonNull(runs, "runs");
        this.deployments = Objects.requireNonNull(deployments, "deployments");
        this.latestSample = Objects.requireNonNull(latestSample, "latestSample");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (keepResolved < 1) {
            throw new IllegalArgumentException("keepResolved must be at least 1");
        }
        this.keepResolved = keepResolved;
    }

    /** The rules it evaluates. */
    public List<AlertRule> rules() {
        return rules;
    }

    /** Evaluates with {@code sample} as the latest host sample (a {@link dev.baton.observability.system.SystemMonitor} listener). */
    public void onSample(SystemSample sample) {
        evaluate(sample);
    }

    /** Evaluates now with the latest host sample. */
    public void evaluate() {
        evaluate(latestSample.get());
    }

    private void evaluate(SystemSample sample) {
        if (rules.isEmpty()) {
            return;
        }
        // one evaluation at a time (the sampling thread and API requests both evaluate), so that observations are
        // applied in the order they were made and listeners hear fire before resolve; rules only read memory
        evaluating.lock();
        try {
            AlertInputs inputs = new AlertInputs(clock.instant(), sample, runs, deploymentsOrEmpty());
            List<Observation> observations = new ArrayList<>();
            for (AlertRule rule : rules) {
                try {
                    observations.addAll(rule.observe(inputs));
                } catch (RuntimeException e) {
                    LOG.warn("alert rule {} failed to evaluate: {}", rule.name(), e.toString(), e);
                }
            }
            for (Alert alert : apply(inputs.now(), observations)) {
                if (alert.state() == AlertState.FIRING) {
                    LOG.warn("alert fired: {} [{}]", alert.summary(), alert.id());
                } else {
                    LOG.info("alert resolved: {} {} [{}]", alert.rule(), alert.subject(), alert.id());
                }
                try {
                    listener.changed(alert);
                } catch (RuntimeException e) {
                    LOG.warn("an alert listener failed: {}", e.toString(), e);
                }
            }
        } finally {
            evaluating.unlock();
        }
    }

    private List<DeploymentStatus> deploymentsOrEmpty() {
        try {
            List<DeploymentStatus> list = deployments.get();
            return list == null ? List.of() : list;
        } catch (RuntimeException e) {
            LOG.debug("reading the gateway's deployments failed: {}", e.toString());
            return List.of();
        }
    }

    /** Moves each condition along pending → firing → resolved; returns the alerts that fired or resolved. */
    private List<Alert> apply(Instant now, List<Observation> observations) {
        Map<String, Duration> forByRule = new HashMap<>();
        rules.forEach(rule -> forByRule.put(rule.name(), rule.forDuration()));
        List<Alert> changes = new ArrayList<>();
        lock.lock();
        try {
            Set<String> breaching = new HashSet<>();
            for (Observation observation : observations) {
                String key = observation.key();
                if (!observation.breaching()) {
                    continue;
                }
                breaching.add(key);
                Alert current = firing.get(key);
                if (current != null) {
                    firing.put(key, current.update(observation));
                    continue;
                }
                Instant since = pendingSince.computeIfAbsent(key, k -> now);
                if (!now.isBefore(since.plus(forByRule.get(observation.rule())))) {
                    pendingSince.remove(key);
                    Alert fired = Alert.fire(observation, now);
                    firing.put(key, fired);
                    changes.add(fired);
                }
            }
            pendingSince.keySet().retainAll(breaching);
            for (var it = firing.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (!breaching.contains(entry.getKey())) {
                    it.remove();
                    Alert done = entry.getValue().resolve(now);
                    resolved.addFirst(done);
                    if (resolved.size() > keepResolved) {
                        resolved.removeLast();
                    }
                    changes.add(done);
                }
            }
        } finally {
            lock.unlock();
        }
        return changes;
    }

    /** The firing alerts, oldest first. */
    public List<Alert> firing() {
        lock.lock();
        try {
            return firing.values().stream().sorted(Comparator.comparing(Alert::firedAt)).toList();
        } finally {
            lock.unlock();
        }
    }

    /** The kept resolved alerts, most recently resolved first. */
    public List<Alert> resolved() {
        lock.lock();
        try {
            return List.copyOf(resolved);
        } finally {
            lock.unlock();
        }
    }
}
