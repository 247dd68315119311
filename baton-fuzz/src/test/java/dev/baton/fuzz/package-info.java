/**
 * Fuzz targets (Jazzer {@code @FuzzTest}s) for Baton's untrusted inputs: workflow definitions (parser and
 * validator), expressions (compile and evaluate within their limits) and the API's request bodies (sent to a
 * real server on loopback).
 *
 * <p>A target fails (a finding) when its code under test throws anything but the {@link
 * dev.baton.core.error.BatonException} its contract names, answers a 5xx, or takes longer than its bound (a
 * hang). In a plain {@code ./mvnw verify} each target replays its seed corpus and recorded findings
 * ({@code src/test/resources/dev/baton/fuzz/<Class>Inputs/<method>/}) as regression tests; {@code scripts/fuzz.sh}
 * fuzzes each for a fixed time. Test-only: depends on baton-server (and through it on everything else).
 */
package dev.baton.fuzz;
