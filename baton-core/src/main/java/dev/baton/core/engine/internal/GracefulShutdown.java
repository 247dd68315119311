package dev.baton.core.engine.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The first half of a graceful shutdown ({@link dev.baton.core.engine.LocalEngine#drain}), once the engine refuses
 * new runs: no more claims (cluster) or admissions (single node), then the owned runs get up to the timeout to
 * finish (wall clock: an operational bound, not engine time), then the rest are abandoned (attempts interrupted,
 * nothing journaled: the next owner retries them as after a crash), the journal is flushed so nothing of theirs is
 * written after the hand-back, and in a cluster their leases are released and {@code WorkAvailable} published, so
 * other nodes resume them at once. On a single node they resume on the next start.
 *
 * <p>Thread-safety: one drain at a time (the engine calls it once).
 */
final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private final RunOwnership ownership;
    private final Journal journal;
    /** This node in its cluster, or {@code null}. */
    private final ClusterMember member;

    GracefulShutdown(RunOwnership ownership, Journal journal, ClusterMember member) {
        this.ownership = ownership;
        this.journal = journal;
        this.member = member;
    }

    /** @return the number of runs handed back unfinished */
    int drain(Duration timeout) {
        ownership.drain();
        if (member != null) {
            member.stopClaiming();
        }
        try {
            ownership.awaitIdle(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Set<String> left = ownership.ownedIds();
        left.forEach(ownership::abandon);
        try {
            journal.flush().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the journal did not flush before the hand-back: {}", e.toString());
        }
        if (member != null) {
            member.release(left);
        }
        if (!left.isEmpty()) {
            LOG.info("drain handed back {} unfinished runs", left.size());
        }
        return left.size();
    }
}
