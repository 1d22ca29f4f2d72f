package dev.interproc.cli;

import dev.interproc.InterprocException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code interproc} command (bin/interproc, or {@code java -jar interproc-cli.jar}): {@code ls},
 * {@code show} and {@code rm} look at and remove regions, {@code demo} runs the worker example, {@code manager}
 * serves, lists and stops managers. Without a
 * command it prints its usage on standard error and exits {@value #EXIT_USAGE}, as command lines do.
 *
 * <p>Exit codes, for scripts: {@value #EXIT_OK} success; {@value #EXIT_REFUSED} a region was not found,
 * not readable, or a removal was refused; {@value #EXIT_USAGE} the command line is wrong. The help of each
 * command says all it does, its JSON included; docs/cli.md has examples.
 */
@Command(
        name = "interproc",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Typed shared state and coordination between JVM processes on one Linux host: looks at and removes "
                    + "the shared-memory regions of interproc (in /dev/shm, or a tmpfs directory with --dir), "
                    + "runs the worker example, and serves, lists and stops managers of shared objects.",
            "Regions are read without attaching to them. Native access is granted by the JAR's manifest; "
                    + "with java -cp add --enable-native-access=ALL-UNNAMED."
        },
        subcommands = {
            LsCommand.class,
            ShowCommand.class,
            RmCommand.class,
            DemoCommand.class,
            ManagerCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a region was not found or not readable, a removal was refused, the demo's checks failed, "
                    + "or a manager could not be reached or serve",
            "2:wrong command line"
        })
public final class Main implements Callable<Integer> {

    /** The command did what was asked. */
    public static final int EXIT_OK = 0;
    /** A region was not found or not readable, a removal was refused, or the demo's checks failed. */
    public static final int EXIT_REFUSED = 1;
    /** The command line is wrong (picocli's usage error code). */
    public static final int EXIT_USAGE = 2;

    @Spec
    private CommandSpec spec;

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, ready to {@link CommandLine#execute execute}; for tests and embedding. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // Failures interproc explains in its message need no stack trace.
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> {
            if (failure instanceof InterprocException) {
                failed.getErr().println("interproc " + failed.getCommandName() + ": " + failure.getMessage());
                return EXIT_REFUSED;
            }
            if (failure instanceof UncheckedIOException) {
                failed.getErr()
                        .println("interproc " + failed.getCommandName() + ": " + failure.getMessage() + " ("
                                + failure.getCause() + ")");
                return EXIT_REFUSED;
            }
            if (failure instanceof IllegalArgumentException) {
                failed.getErr().println("interproc " + failed.getCommandName() + ": " + failure.getMessage());
                return EXIT_USAGE;
            }
            throw failure;
        });
        return commandLine;
    }

    /** No command given: the usage, on standard error as for any other wrong command line. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The version from the JAR's manifest. */
    static final class Version implements IVersionProvider {

        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"interproc " + (version != null ? version : "(development build)")};
        }
    }
}
