package dev.interproc.cli;

import dev.interproc.example.worker.DemoReport;
import dev.interproc.example.worker.DemoSettings;
import dev.interproc.example.worker.WorkerDemo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code interproc demo}: the worker example (docs/cli.md), ending with its checked summary. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the worker example: a worker process runs one calculation at a time; API processes "
                    + "serve its shared state (status and job id under one shared lock) over HTTP on localhost; a "
                    + "scheduler submits jobs to random API processes; then the worker is shut down through the API.",
            "Ends with a summary that checks that every accepted job was calculated exactly once and that no "
                    + "two calculations overlapped. Exit code 0 when they hold, 1 otherwise."
        })
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--apis",
            paramLabel = "N",
            defaultValue = "3",
            description = "How many API processes serve the worker's state (default: ${DEFAULT-VALUE}).")
    private int apis;

    @Option(
            names = "--jobs",
            paramLabel = "N",
            defaultValue = "40",
            description = "How many jobs the scheduler gets accepted (default: ${DEFAULT-VALUE}).")
    private int jobs;

    @Option(
            names = "--time-limit",
            paramLabel = "SECONDS",
            defaultValue = "20",
            description = "The scheduler stops after this long even with fewer jobs (default: ${DEFAULT-VALUE}).")
    private int timeLimitSeconds;

    @Option(
            names = "--calculation-ms",
            paramLabel = "MIN..MAX",
            defaultValue = "20..60",
            description = "How long one calculation takes, in milliseconds (default: ${DEFAULT-VALUE}).")
    private String calculationMillis;

    @Option(
            names = "--kill-api",
            description = "Kill one API process with SIGKILL while it holds the shared lock, a third of the way "
                    + "through; the others repair the state and go on.")
    private boolean killApi;

    @Override
    public Integer call() throws Exception {
        String[] range = calculationMillis.split("\\.\\.");
        if (range.length != 2) {
            throw new IllegalArgumentException("--calculation-ms takes MIN..MAX, as 20..60, not " + calculationMillis);
        }
        DemoSettings settings = new DemoSettings(
                apis,
                jobs,
                Duration.ofSeconds(timeLimitSeconds),
                Duration.ofMillis(Long.parseLong(range[0].strip())),
                Duration.ofMillis(Long.parseLong(range[1].strip())),
                killApi);
        PrintWriter out = spec.commandLine().getOut();
        DemoReport report = WorkerDemo.run(settings, out);
        report.print(out);
        return report.ok() ? Main.EXIT_OK : Main.EXIT_REFUSED;
    }
}
