package dev.baton.store.jdbc;

import dev.baton.core.cluster.ClusterSignal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The text payloads of {@link PgClusterSignals} on channel {@value #CHANNEL}: compact, and each at most
 * {@value #MAX_BYTES} UTF-8 bytes (PostgreSQL refuses a {@code NOTIFY} payload of 8,000 bytes or more):
 * <ul>
 *   <li>{@code w}: {@link ClusterSignal.WorkAvailable};</li>
 *   <li>{@code r:<id>,<id>,...}: {@link ClusterSignal.RunsChanged} of these runs (as many payloads as needed), or
 *       {@code r:*} for "any run" (more than {@value #MAX_NAMED_RUNS} runs in one batch);</li>
 *   <li>{@code c:<id>:<reason>}: {@link ClusterSignal.CancelRequested}, the reason cut to fit (at a character
 *       boundary), {@code c:<id>} without a reason.</li>
 * </ul>
 * In run ids, {@code %}, {@code ,} and {@code :} are escaped as {@code %25}, {@code %2C} and {@code %3A}. Payloads
 * of another form (from a newer node) are ignored. Stateless.
 */
final class SignalPayloads {
    /** The {@code LISTEN/NOTIFY} channel of the nodes. */
    static final String CHANNEL = "baton_cluster";
    /** The largest payload sent, in UTF-8 bytes: below PostgreSQL's limit of 8,000 with room to spare. */
    static final int MAX_BYTES = 7_900;
    /** Above this many runs changed in one batch, the batch says "any run" ({@code r:*}). */
    static final int MAX_NAMED_RUNS = 1_000;

    private SignalPayloads() {
    }

    /**
     * The payloads of one coalesced batch, in this order: work available, cancels, runs changed.
     *
     * @param runIds the runs changed; ignored when {@code anyRun}
     */
    static List<String> encode(boolean workAvailable, List<ClusterSignal.CancelRequested> cancels, boolean anyRun,
                               Collection<String> runIds) {
        List<String> payloads = new ArrayList<>();
        if (workAvailable) {
            payloads.add("w");
        }
        for (ClusterSignal.CancelRequested cancel : cancels) {
            payloads.add(cancel(cancel));
        }
        if (anyRun || runIds.size() > MAX_NAMED_RUNS) {
            payloads.add("r:*");
        } else if (!runIds.isEmpty()) {
            StringBuilder payload = new StringBuilder("r:");
            int bytes = 2;
            for (String id : runIds) {
                String escaped = escape(id);
                int length = utf8Length(escaped) + (payload.length() > 2 ? 1 : 0);
                if (bytes + length > MAX_BYTES && payload.length() > 2) {
                    payloads.add(payload.toString());
                    payload.setLength(2);
                    bytes = 2;
                    length = utf8Length(escaped);
                }
                if (payload.length() > 2) {
                    payload.append(',');
                }
                payload.append(escaped);
                bytes += length;
            }
            payloads.add(payload.toString());
        }
        return payloads;
    }

    private static String cancel(ClusterSignal.CancelRequested cancel) {
        String head = "c:" + escape(cancel.runId());
        if (cancel.reason() == null) {
            return head;
        }
        int room = MAX_BYTES - utf8Length(head) - 1;
        StringBuilder reason = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < cancel.reason().length(); ) {
            int codePoint = cancel.reason().codePointAt(i);
            int length = utf8Length(Character.toString(codePoint));
            if (bytes + length > room) {
                break;
            }
            reason.appendCodePoint(codePoint);
            bytes += length;
            i += Character.charCount(codePoint);
        }
        return head + ":" + reason;
    }

    /** The signal of a payload; empty for a payload of an unknown form. */
    static Optional<ClusterSignal> decode(String payload) {
        if (payload == null) {
            return Optional.empty();
        }
        if (payload.equals("w")) {
            return Optional.of(new ClusterSignal.WorkAvailable());
        }
        if (payload.equals("r:*")) {
            return Optional.of(new ClusterSignal.RunsChanged(Set.of()));
        }
        if (payload.startsWith("r:") && payload.length() > 2) {
            Set<String> ids = new HashSet<>();
            for (String id : payload.substring(2).split(",")) {
                if (!id.isEmpty()) {
                    ids.add(unescape(id));
                }
            }
            return ids.isEmpty() ? Optional.empty() : Optional.of(new ClusterSignal.RunsChanged(ids));
        }
        if (payload.startsWith("c:") && payload.length() > 2) {
            int colon = payload.indexOf(':', 2);
            String id = unescape(colon < 0 ? payload.substring(2) : payload.substring(2, colon));
            String reason = colon < 0 ? null : payload.substring(colon + 1);
            return Optional.of(new ClusterSignal.CancelRequested(id, reason));
        }
        return Optional.empty();
    }

    static String escape(String id) {
        if (id.indexOf('%') < 0 && id.indexOf(',') < 0 && id.indexOf(':') < 0) {
            return id;
        }
        return id.replace("%", "%25").replace(",", "%2C").replace(":", "%3A");
    }

    static String unescape(String id) {
        if (id.indexOf('%') < 0) {
            return id;
        }
        return id.replace("%3A", ":").replace("%2C", ",").replace("%25", "%");
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
