/**
 * Baton's one error model: {@link dev.baton.core.error.BatonException} with a stable
 * {@link dev.baton.core.error.ErrorCode}, split into retriable and non-retriable, and
 * {@link dev.baton.core.error.FieldError}s that point at the offending field and source position.
 * Depends on nothing but the JDK.
 */
package dev.baton.core.error;
