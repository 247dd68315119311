/**
 * The composition root of a Baton node: {@link dev.baton.server.BatonConfig} (loaded by
 * {@link dev.baton.server.ConfigSource}), {@link dev.baton.server.BatonNode} which wires stores, the AI gateway
 * ({@link dev.baton.server.GatewayStack}), step handlers, the workflow catalog and the engine by hand (no DI
 * framework), and {@link dev.baton.server.BatonServer} which serves a node over HTTP. May depend on every Baton module; nothing depends on it except the CLI.
 */
package dev.baton.server;
