package dev.interproc.cli;

import dev.interproc.InterprocException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code interproc} command (bin/interproc, or {@code java -jar interproc.jar}): {@code demo} runs
 * the demonstration, {@code rm} removes regions, {@code --help} lists everything.
 */
@Command(name = "interproc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Typed shared state and coordination between JVM processes on one Linux host.",
        subcommands = {DemoCommand.class, RemoveCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

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
            if (failure instanceof InterprocException || failure instanceof IllegalArgumentException) {
                failed.getErr().println("interproc " + failed.getCommandName() + ": " + failure.getMessage());
                return 1;
            }
            throw failure;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
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
