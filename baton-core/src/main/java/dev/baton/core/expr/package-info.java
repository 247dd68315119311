/**
 * Expressions: {@code {{ ... }}} placeholders in JSON values, evaluated with CEL (cel-java) in a sandbox
 * (no I/O; iteration, size and wall-clock bounds from {@link dev.baton.core.expr.ExpressionLimits}).
 * Entry points: {@link dev.baton.core.expr.Templates} / {@link dev.baton.core.expr.TemplateCompiler} compile,
 * {@link dev.baton.core.expr.ValueTemplate#render} renders with {@link dev.baton.core.expr.Bindings}.
 * Depends on Jackson, dev.cel:cel and the error package only.
 */
package dev.baton.core.expr;
