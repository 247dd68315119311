package dev.baton.core.workflow;

import java.util.Objects;

/**
 * A workflow as parsed, with the source positions of its fields, so that the {@link WorkflowValidator} can point
 * at lines and columns.
 *
 * @param workflow  the parsed (not yet validated) workflow, version 0
 * @param sourceMap positions of the fields of the source document
 */
public record ParsedWorkflow(Workflow workflow, SourceMap sourceMap) {
    public ParsedWorkflow {
        Objects.requireNonNull(workflow, "workflow");
        Objects.requireNonNull(sourceMap, "sourceMap");
    }
}
