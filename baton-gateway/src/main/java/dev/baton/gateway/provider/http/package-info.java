/**
 * HTTP plumbing shared by the HTTP providers (OpenAI-compatible, Anthropic): one transport over the JDK
 * {@link java.net.http.HttpClient} that enforces a deployment's connect, read, total, first-token and idle
 * timeouts ({@link dev.baton.gateway.provider.http.UpstreamHttp}), the one mapping of upstream answers and
 * transport failures to {@link dev.baton.core.error.BatonException}
 * ({@link dev.baton.gateway.provider.http.UpstreamFailures}), {@code Retry-After} parsing and a server-sent events
 * reader.
 *
 * <p>Depends on the JDK, Jackson (to read error bodies), baton-core's error model and the gateway's
 * {@code config} records; knows nothing of any vendor's request shapes.
 */
package dev.baton.gateway.provider.http;
