/**
 * Durability tests that kill a real {@code baton server} process (SIGKILL) in the middle of runs and check that
 * a new process on the same store resumes every unfinished run. Test-only; may depend on everything in
 * baton-server and the JDK's HTTP server.
 */
package dev.baton.server.durability;
