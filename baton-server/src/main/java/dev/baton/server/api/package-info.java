/**
 * The REST API under {@code /api/v1} on Javalin 7 (virtual threads): routes ({@link dev.baton.server.api.ApiRoutes}),
 * strict request bodies, the JSON wire format, Server-Sent Events of run events, the AI gateway's operator and
 * usage routes, and the one mapping of {@link dev.baton.core.error.ErrorCode.Kind} to HTTP status rendered as
 * RFC 9457 problem+json. The OpenAPI
 * document {@code openapi.json} next to these classes lists every route, the OpenAI-compatible {@code /v1} routes
 * ({@link dev.baton.server.openai}, installed here behind the same guards) included.
 *
 * <p>May depend on baton-core, baton-gateway's interfaces, Javalin, Jackson and {@link dev.baton.server.BatonNode};
 * handlers hold no state of their own (everything lives in the node's engine, stores and gateway).
 */
package dev.baton.server.api;
