package dev.baton.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.core.engine.Engine;
import dev.baton.core.engine.RunView;
import dev.baton.core.engine.StartRequest;
import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import dev.baton.core.run.Run;
import dev.baton.core.run.RunStatus;
import dev.baton.core.workflow.Workflow;
import dev.baton.core.workflow.WorkflowParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code baton run FILE}: runs a workflow on the embedded default (H2 file store under the data directory,
 * in-process embedding model), no server needed. One run with {@code --input} only; one run per record of
 * {@code --input-file} or per text file of {@code --input-dir} otherwise.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a workflow locally, once or once per input.",
                "With --input only: one run; prints its outputs, status and step timings as JSON.",
                "With --input-file or --input-dir: one run per line or file, run concurrently with progress on "
                        + "stderr; writes one result row per input and prints a summary.",
                "Exit 0 when every run succeeded, 1 when a run failed, 2 on invalid input."})
final class RunCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** How many skipped files are named one by one; the rest are counted. */
    private static final int SKIPPED_SHOWN = 5;

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The workflow file (YAML or JSON).")
    Path file;

    @Option(names = {"-i", "--input"}, paramLabel = "KEY=VALUE",
            description = "An input field (a string), or KEY:=JSON for a typed value. Repeatable. With many "
                    + "inputs, added to every run.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--input-file", paramLabel = "FILE",
            description = "One run per record: .jsonl (an object per line), .csv or .tsv (header row names the fields).")
    Path inputFile;

    @Option(names = "--input-dir", paramLabel = "DIR",
            description = "One run per text file under DIR (recursive; binary and hidden files skipped), "
                    + "with inputs {text, path, name}.")
    Path inputDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write one result row per input: .jsonl or .csv. "
                    + "Default: <data-dir>/results/<workflow>-<time>.jsonl")
    Path output;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "8",
            description = "Runs in flight at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Where the embedded store keeps runs (default ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--json", description = "Machine-readable output: the summary as JSON.")
    boolean jsonOutput;

    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || concurrency > 10_000) {
            throw BatonException.invalidInput("--concurrency", "must be between 1 and 10000, got " + concurrency);
        }
        if (inputFile != null && inputDir != null) {
            throw BatonException.invalidInput("--input-file", "give either --input-file or --input-dir, not both");
        }
        WorkflowFile workflowFile = WorkflowFile.read(file);
        ObjectNode constants = InputArguments.parse(inputs, context.json());
        boolean batch = inputFile != null || inputDir != null;
        List<RunInput> batchInputs = batch ? readBatch(constants, workflowFile) : List.of();
        if (output != null) {
            ResultWriter.checkFormat(output);
        }
        try (LocalNode node = open()) {
            Workflow workflow = node.register(workflowFile.source(), workflowFile.name());
            return batch ? runBatch(node, workflow, batchInputs) : runOnce(node, workflow, constants);
        }
    }

    /** Opens the local node, saying what to do when another process holds the data directory. */
    private LocalNode open() {
        try {
            return context.backend().openLocal(dataDir);
        } catch (BatonException e) {
            if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
                throw e;
            }
            throw new BatonException(e.code(), e.getMessage() + System.lineSeparator() + "  (is a `baton server` or "
                    + "another `baton run` using " + dataDir.toAbsolutePath().normalize() + "? Stop it, or pass "
                    + "another --data-dir)", e);
        }
    }

    /**
     * The workflow's input schema, so CSV/TSV cells take the types it declares; {@code null} when the workflow
     * does not parse (registering it reports why, with every error).
     */
    private static JsonNode inputSchema(WorkflowFile workflowFile) {
        try {
            return new WorkflowParser().parse(workflowFile.source(), workflowFile.name()).inputSchema();
        } catch (BatonException e) {
            return null;
        }
    }

    private List<RunInput> readBatch(ObjectNode constants, WorkflowFile workflowFile) {
        PrintWriter err = spec.commandLine().getErr();
        List<RunInput> list;
        if (inputFile != null) {
            list = new InputFile(context.json()).read(inputFile, constants, inputSchema(workflowFile));
        } else {
            InputDirectory.Listing listing = new InputDirectory(context.json(), InputDirectory.DEFAULT_MAX_FILE_BYTES)
                    .read(inputDir, constants);
            List<String> skipped = listing.skipped();
            for (int i = 0; i < Math.min(skipped.size(), SKIPPED_SHOWN); i++) {
                err.println("skipped " + skipped.get(i));
            }
            if (skipped.size() > SKIPPED_SHOWN) {
                err.println("skipped " + (skipped.size() - SKIPPED_SHOWN) + " more files (binary, not UTF-8 or too large)");
            }
            list = listing.inputs();
        }
        if (list.isEmpty()) {
            throw BatonException.invalidInput(inputFile != null ? "--input-file" : "--input-dir",
                    "no inputs found in '" + (inputFile != null ? inputFile : inputDir) + "'");
        }
        return list;
    }

    private int runOnce(LocalNode node, Workflow workflow, ObjectNode runInputs) throws Exception {
        Engine engine = node.engine();
        Run run = engine.start(new StartRequest(node.tenantId(), workflow.id(), workflow.version(), runInputs, 0, null));
        RunView view;
        try {
            view = engine.completion(node.tenantId(), run.id()).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BatonException be) {
                throw be;
            }
            throw new BatonException(ErrorCode.INTERNAL, "run " + run.id() + " could not be followed: " + e.getCause(),
                    e.getCause());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(print(new RunReport(context.json()).toJson(view)));
        out.flush();
        return view.run().status() == RunStatus.SUCCEEDED ? BatonCli.OK : BatonCli.RUN_FAILED;
    }

    private int runBatch(LocalNode node, Workflow workflow, List<RunInput> batchInputs) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path resultsFile = output != null ? output
                : dataDir.resolve("results").resolve(workflow.id() + "-" + STAMP.format(context.clock().instant()) + ".jsonl");
        if (!jsonOutput) {
            err.println("running workflow '" + workflow.id() + "' v" + workflow.version() + " on " + batchInputs.size()
                    + " inputs, " + concurrency + " at a time");
            err.flush();
        }
        long started = context.nanoTime().getAsLong();
        List<RunResult> results;
        Progress.Mode mode = jsonOutput ? Progress.Mode.NONE : Progress.detect(context.env().get("BATON_PROGRESS"));
        try (Progress progress = new Progress(err, batchInputs.size(), mode, context.nanoTime(), Duration.ofSeconds(5))) {
            results = new BatchRunner(node.engine(), node.tenantId(), workflow, concurrency, context.nanoTime())
                    .run(batchInputs, progress);
        }
        Duration elapsed = Duration.ofNanos(context.nanoTime().getAsLong() - started);
        ResultWriter writer = new ResultWriter(context.json());
        writer.write(resultsFile, results);
        BatchSummary summary = BatchSummary.of(results, elapsed);
        if (jsonOutput) {
            ObjectNode summaryJson = summary.toJson(context.json());
            summaryJson.put("workflow", workflow.id());
            summaryJson.put("version", workflow.version());
            summaryJson.put("results", resultsFile.toString());
            out.println(context.json().writeValueAsString(summaryJson));
        } else {
            printFailures(out, results);
            out.println(summary.describe());
            out.println("results: " + resultsFile);
        }
        out.flush();
        return summary.failed() == 0 ? BatonCli.OK : BatonCli.RUN_FAILED;
    }

    private static void printFailures(PrintWriter out, List<RunResult> results) {
        int shown = 0;
        for (RunResult result : results) {
            if (result.succeeded()) {
                continue;
            }
            if (shown++ == 10) {
                out.println("  ... (see the results file for every failure)");
                break;
            }
            String why = result.error() == null ? "" : ": " + result.error().code() + ": " + result.error().message();
            out.println("  " + result.status() + " " + result.source() + why);
        }
    }

    private String print(ObjectNode node) throws JsonProcessingException {
        return jsonOutput ? context.json().writeValueAsString(node)
                : context.json().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }
}
