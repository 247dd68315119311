/** The step plug-in interface ({@link dev.baton.core.step.StepHandler}) and its registry. JDK, Jackson and {@code dev.baton.core.error} only. */
package dev.baton.core.step;
