package dev.interproc.cli;

import dev.interproc.SharedMemory;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code interproc rm NAME...}: removes regions by name, as the library's error messages suggest. */
@Command(name = "rm", mixinStandardHelpOptions = true, description = {
        "Removes regions by name.",
        "",
        "Removes the named regions from POSIX shared memory (/dev/shm). Processes that have one open keep using it "
                + "until they close it. Exit code 1 if a name did not exist."})
final class RemoveCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Region names.")
    private List<String> names;

    @Override
    public Integer call() {
        int exit = 0;
        for (String name : names) {
            if (SharedMemory.unlink(name)) {
                spec.commandLine().getOut().println("removed " + name);
            } else {
                spec.commandLine().getErr().println("interproc rm: no region '" + name + "' in /dev/shm");
                exit = 1;
            }
        }
        return exit;
    }
}
