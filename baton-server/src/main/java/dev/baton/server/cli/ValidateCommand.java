package dev.baton.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.error.FieldError;
import dev.baton.core.workflow.Step;
import dev.baton.core.workflow.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code baton validate FILE}: checks a workflow definition without running it. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a workflow file: prints OK with its steps, or every error with file:line:column. "
                + "Exit 0 when valid, 2 when invalid.")
final class ValidateCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow file (YAML or JSON).")
    Path file;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean jsonOutput;

    ValidateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        WorkflowFile workflowFile = WorkflowFile.read(file);
        Workflow workflow;
        try {
            workflow = context.backend().validate(workflowFile.source(), workflowFile.name());
        } catch (BatonException e) {
            if (e.code() != ErrorCode.INVALID_WORKFLOW) {
                throw e;
            }
            printErrors(workflowFile.name(), e);
            return BatonCli.INVALID;
        }
        if (jsonOutput) {
            ObjectNode node = context.json().createObjectNode();
            node.put("valid", true);
            node.put("workflow", workflow.id());
            ArrayNode steps = node.putArray("steps");
            for (Step step : workflow.steps().values()) {
                ObjectNode s = steps.addObject();
                s.put("id", step.id());
                s.put("uses", step.uses());
                step.needs().forEach(s.putArray("needs")::add);
            }
            out.println(context.json().writeValueAsString(node));
        } else {
            out.println("OK " + workflowFile.name() + ": workflow '" + workflow.id() + "', "
                    + workflow.steps().size() + (workflow.steps().size() == 1 ? " step" : " steps"));
            for (Step step : workflow.steps().values()) {
                String needs = step.needs().isEmpty() ? "" : "  (needs " + String.join(", ", step.needs()) + ")";
                out.println("  " + step.id() + ": " + step.uses() + needs);
            }
        }
        out.flush();
        return BatonCli.OK;
    }

    private void printErrors(String fileName, BatonException e) throws Exception {
        List<FieldError> errors = e.errors().isEmpty() ? List.of(new FieldError("", e.getMessage())) : e.errors();
        if (jsonOutput) {
            PrintWriter out = spec.commandLine().getOut();
            ObjectNode node = context.json().createObjectNode();
            node.put("valid", false);
            ArrayNode list = node.putArray("errors");
            for (FieldError error : errors) {
                ObjectNode item = list.addObject();
                item.put("file", error.location().source().isEmpty() ? fileName : error.location().source());
                item.put("line", error.location().line());
                item.put("column", error.location().column());
                item.put("field", error.field());
                item.put("message", error.message());
            }
            out.println(context.json().writeValueAsString(node));
            out.flush();
            return;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println(fileName + ": invalid workflow (" + errors.size() + (errors.size() == 1 ? " error)" : " errors)"));
        for (FieldError error : errors) {
            err.println(describe(fileName, error));
        }
        err.flush();
    }

    /** {@code file:line:column: field: message}, the position left out when unknown. */
    static String describe(String fileName, FieldError error) {
        String source = error.location().source().isEmpty() ? fileName : error.location().source();
        String where = error.location().isKnown()
                ? source + ":" + error.location().line() + ":" + error.location().column()
                : source;
        return where + ": " + (error.field().isEmpty() ? "" : error.field() + ": ") + error.message();
    }
}
