package dev.baton.server.api;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.observability.metrics.NodeMetrics;
import dev.baton.server.NodeStartup;
import io.javalin.http.Context;

/**
 * {@code GET /metrics}: the node's metrics for Prometheus, in the text format 0.0.4, or OpenMetrics 1.0 when the
 * {@code Accept} header asks for {@code application/openmetrics-text}. Answers 404 problem+json when metrics are
 * disabled ({@code observability.metrics.enabled: false}) and 503 while the node is still opening.
 */
final class MetricsEndpoint {
    /** Where Prometheus scrapes (the node's root, not under {@code /api/v1}). */
    static final String PATH = "/metrics";

    private final NodeStartup startup;

    MetricsEndpoint(NodeStartup startup) {
        this.startup = startup;
    }

    void scrape(Context ctx) {
        if (!startup.config().observability().metrics().enabled()) {
            throw new BatonException(ErrorCode.NOT_FOUND,
                    "metrics are disabled on this node (observability.metrics.enabled: false)");
        }
        NodeMetrics metrics = startup.require().metrics().orElseThrow(() -> new BatonException(ErrorCode.NOT_FOUND,
                "metrics are disabled on this node (observability.metrics.enabled: false)"));
        NodeMetrics.Scrape scrape = metrics.scrape(ctx.header("Accept"));
        ctx.status(200).contentType(scrape.contentType()).result(scrape.body());
    }
}
