/**
 * Alerts: rules ({@link dev.baton.observability.alerts.AlertRule}) over host samples, a sliding window of recent
 * runs ({@link dev.baton.observability.alerts.RecentRuns}, an engine observer) and the gateway's deployment
 * health, evaluated by an {@link dev.baton.observability.alerts.AlertEvaluator} into alerts that fire and resolve
 * with timestamps and a recommendation, optionally posted to a webhook
 * ({@link dev.baton.observability.alerts.WebhookNotifier}).
 *
 * <p>May depend on baton-core (the engine observer SPI, runs), baton-gateway (its admin view and secret
 * references), the {@code system} package, Jackson, the JDK HTTP client and SLF4J; never on the server.
 */
package dev.baton.observability.alerts;
