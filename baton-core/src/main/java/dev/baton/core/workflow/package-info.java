/**
 * The workflow model (records) and the workflow language around it: {@link dev.baton.core.workflow.WorkflowParser}
 * (YAML/JSON text to a {@link dev.baton.core.workflow.Workflow}, strict, with line/column errors),
 * {@link dev.baton.core.workflow.WorkflowValidator} (types, arguments, references, cycles, input schema),
 * {@link dev.baton.core.workflow.InputValidator} (run inputs against the input JSON Schema) and
 * {@link dev.baton.core.workflow.WorkflowCatalog} (registered versions over a
 * {@link dev.baton.core.store.WorkflowStore}, the engine's {@link dev.baton.core.workflow.WorkflowResolver}).
 * Depends on Jackson (JSON/YAML), networknt json-schema-validator, the expression, error, step and store
 * packages, and the JDK. Nothing here runs steps.
 */
package dev.baton.core.workflow;
