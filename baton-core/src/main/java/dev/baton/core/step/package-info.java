/** The step plug-in interface ({@link dev.baton.core.step.StepHandler}) and its registry. JDK and Jackson only. */
package dev.baton.core.step;
