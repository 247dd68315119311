package dev.baton.core.security;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link RunSlots} in this process's memory: for the memory store (one node, nothing survives a restart). One
 * lock guards every scope; it is held only for map updates, never while {@link RunSlots.Liveness} is asked.
 * Thread-safe.
 */
public final class InMemoryRunSlots implements RunSlots {
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** scope → holder → slot, in claim order. */
    private final Map<String, LinkedHashMap<String, Slot>> scopes = new HashMap<>();

    /** Slots stamped by {@code clock}. */
    public InMemoryRunSlots(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void claim(List<String> holders, String tenantId, List<Scope> wanted, Liveness liveness) {
        Objects.requireNonNull(holders, "holders");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(liveness, "liveness");
        if (wanted.isEmpty() || holders.isEmpty()) {
            return;
        }
        SlotReclaim.claim(this, liveness, () -> tryClaim(holders, tenantId, wanted));
    }

    /** Claims all or none; the first full scope, or {@code null} when claimed. */
    private Scope tryClaim(List<String> holders, String tenantId, List<Scope> wanted) {
        lock.lock();
        try {
            for (Scope scope : wanted) {
                Map<String, Slot> held = scopes.getOrDefault(scope.id(), new LinkedHashMap<>());
                long missing = holders.stream().filter(holder -> !held.containsKey(holder)).count();
                if (missing > 0 && held.size() + missing > scope.limit()) {
                    return scope;
                }
            }
            for (Scope scope : wanted) {
                LinkedHashMap<String, Slot> held = scopes.computeIfAbsent(scope.id(), id -> new LinkedHashMap<>());
                for (String holder : holders) {
                    held.putIfAbsent(holder, new Slot(holder, tenantId, clock.instant()));
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void bind(String pending, String runId, String tenantId) {
        lock.lock();
        try {
            for (LinkedHashMap<String, Slot> held : scopes.values()) {
                Slot slot = held.remove(pending);
                if (slot != null) {
                    held.putIfAbsent(runId, new Slot(runId, tenantId, slot.claimedAt()));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(String holder) {
        lock.lock();
        try {
            scopes.values().forEach(held -> held.remove(holder));
            scopes.values().removeIf(Map::isEmpty);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Slot> slots(String scope) {
        lock.lock();
        try {
            return new ArrayList<>(scopes.getOrDefault(scope, new LinkedHashMap<>()).values());
        } finally {
            lock.unlock();
        }
    }
}
