package dev.baton.core.security;

import dev.baton.core.store.Page;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AuditLog} in memory, for the {@code memory} store and tests: entries of each tenant in a concurrent
 * skip list keyed by id, ids from one counter. Nothing is ever removed, so it grows with the number of audited
 * requests for as long as the process lives (the memory store is for development, not for production).
 *
 * <p>Thread-safe and lock-free. An entry appended concurrently with a read may or may not be on the page read;
 * a later page never skips it (pages go by id, and ids are assigned before entries are visible).
 */
public final class InMemoryAuditLog implements AuditLog {
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, ConcurrentSkipListMap<Long, AuditEntry>> tenants = new ConcurrentHashMap<>();

    @Override
    public AuditEntry append(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        AuditEntry stored = new AuditEntry(ids.incrementAndGet(), entry.tenantId(), entry.at(), entry.actor(),
                entry.action(), entry.target(), entry.outcome(), entry.remoteAddress(), entry.userAgent(),
                entry.requestId(), entry.details());
        tenants.computeIfAbsent(stored.tenantId(), tenant -> new ConcurrentSkipListMap<>()).put(stored.id(), stored);
        return stored;
    }

    @Override
    public Page<AuditEntry> query(AuditQuery query) {
        Objects.requireNonNull(query, "query");
        AuditCursor cursor = query.cursor() == null ? null : AuditCursor.decode(query.cursor());
        ConcurrentSkipListMap<Long, AuditEntry> entries = tenants.get(query.tenantId());
        if (entries == null) {
            return new Page<>(List.of(), null);
        }
        NavigableMap<Long, AuditEntry> older = cursor == null
                ? entries.descendingMap()
                : entries.headMap(cursor.id(), false).descendingMap();
        List<AuditEntry> page = new ArrayList<>(Math.min(query.limit(), 64));
        for (AuditEntry entry : older.values()) {
            if (!matches(query, entry)) {
                continue;
            }
            if (page.size() == query.limit()) {
                return new Page<>(page, AuditCursor.after(page.getLast()).encode());
            }
            page.add(entry);
        }
        return new Page<>(page, null);
    }

    private static boolean matches(AuditQuery query, AuditEntry entry) {
        return (query.action() == null || AuditActions.matches(query.action(), entry.action()))
               && (query.actor() == null || query.actor().equals(entry.actor()))
               && (query.since() == null || !entry.at().isBefore(query.since()))
               && (query.until() == null || entry.at().isBefore(query.until()));
    }
}
