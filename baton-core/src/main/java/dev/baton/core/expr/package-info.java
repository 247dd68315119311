/**
 * Expressions: {@code {{ ... }}} placeholders in JSON values, evaluated with CEL (cel-java) in a sandbox
 * (no I/O; iteration, size and wall-clock bounds from {@link dev.baton.core.expr.ExpressionLimits}).
 * Entry points: {@link dev.baton.core.expr.Templates} / {@link dev.baton.core.expr.TemplateCompiler} compile,
 * {@link dev.baton.core.expr.ValueTemplate#render} renders with {@link dev.baton.core.expr.Bindings}.
 * {@code {{ secrets.NAME }}} placeholders are not CEL: they compile to {@link dev.baton.core.expr.SecretReference}s
 * that render as {@code [secret:NAME]} unless the engine passes real {@link dev.baton.core.expr.SecretValues}.
 * Depends on Jackson, dev.cel:cel, the error package and {@code dev.baton.core.secret} (the name syntax) only.
 */
package dev.baton.core.expr;
