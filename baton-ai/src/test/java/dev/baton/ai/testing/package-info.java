/**
 * Test fixtures of the AI steps: a deterministic {@link dev.baton.ai.testing.FakeEmbeddingModel}, a
 * {@link dev.baton.ai.testing.ScriptedGateway} that answers from a script and records every call, and a
 * {@link dev.baton.ai.testing.DirectGateway} that calls real providers without the router.
 */
package dev.baton.ai.testing;
