package dev.baton.bench.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts runs of one workflow through the nodes' APIs, a virtual thread per run, the nodes taken in turn
 * (round-robin), and waits for them:
 * <ul>
 *   <li>closed loop ({@code rate == 0}): at most {@code inFlight} runs started and not finished; every run is a
 *   start-and-wait request ({@code ?wait=}), answered by the node when the run finished, and the next run starts
 *   as soon as one finished. Runs/s = runs / (first start → last answer).</li>
 *   <li>paced ({@code rate > 0}): starts at fixed intervals of 1/rate (an open loop, so latency does not hide
 *   behind the client), each an asynchronous start (202); the caller waits for completion through the store.</li>
 * </ul>
 * A start-and-wait answered 202 (the run was not finished within the wait) is counted as {@link Result#waitsTimedOut}
 * and its run is left to the store-side check. Failures (non-2xx answers, connection errors) are counted and the
 * first few kept.
 */
final class LoadDriver {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /**
     * What happened.
     *
     * @param started       runs the nodes accepted
     * @param failed        starts that failed
     * @param waitsTimedOut start-and-wait requests answered before their run finished
     * @param seconds       first start to last answer (closed loop) or to the last start (paced)
     * @param errors        the first few failures
     */
    record Result(int started, int failed, int waitsTimedOut, double seconds, List<String> errors) {
    }

    private LoadDriver() {
    }

    /** Drives {@code runs} runs over {@code clients} (round-robin) as described above. */
    static Result drive(List<RunClient> clients, String workflow, int runs, int inFlight, double rate)
            throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        Semaphore window = new Semaphore(inFlight); // closed loop only
        long begin = System.nanoTime();
        long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < runs; i++) {
                if (rate > 0) {
                    long due = begin + i * intervalNanos;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now);
                    }
                } else {
                    window.acquire();
                }
                RunClient client = clients.get(i % clients.size());
                threads.execute(() -> {
                    try {
                        RunClient.Started run = client.start(workflow, rate > 0 ? Duration.ZERO : WAIT);
                        started.incrementAndGet();
                        if (rate == 0 && !run.finished()) {
                            timedOut.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        if (errors.size() < 5) {
                            errors.add(e.toString());
                        }
                    } finally {
                        if (rate == 0) {
                            window.release();
                        }
                    }
                });
            }
            threads.shutdown();
            threads.awaitTermination(1, TimeUnit.HOURS);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Result(started.get(), failed.get(), timedOut.get(), seconds, List.copyOf(errors));
    }
}
