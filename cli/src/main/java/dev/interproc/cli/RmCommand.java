package dev.interproc.cli;

import dev.interproc.IncompatibleRegionException;
import dev.interproc.ProcessInfo;
import dev.interproc.RegionInfo;
import dev.interproc.RegionListing;
import dev.interproc.RegionNotFoundException;
import dev.interproc.SharedMemory;
import dev.interproc.UnreadableRegion;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code interproc rm REGION... | --dead}: removes regions that no live process uses. */
@Command(
        name = "rm",
        mixinStandardHelpOptions = true,
        description = {
            "Removes regions: the named ones, or with --dead every region no live process is attached "
                    + "to (its processes all exited or were killed).",
            "A region with live processes is refused unless --force; they keep working on it, but no new "
                    + "process can open it. A region of another layout version is refused unless --force, as its "
                    + "users cannot be told; a shared-memory object that is not an interproc region is never removed.",
            "Exit code 1 when any named region was not found or refused."
        })
final class RmCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private RegionLocation location;

    @Parameters(paramLabel = "REGION", arity = "0..*", description = "Names of the regions to remove.")
    private List<String> names = new ArrayList<>();

    @Option(names = "--dead", description = "Remove every region that no live process is attached to.")
    private boolean dead;

    @Option(names = "--force", description = "Remove the named regions even if live processes use them.")
    private boolean force;

    @Override
    public Integer call() {
        if (dead == !names.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give either REGION names or --dead");
        }
        if (dead && force) {
            throw new ParameterException(spec.commandLine(), "--force applies to named regions only, not to --dead");
        }
        return dead ? removeDead() : removeNamed();
    }

    private Integer removeNamed() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int exitCode = Main.EXIT_OK;
        for (String name : names) {
            String refusal = refusal(name);
            if (refusal == null && SharedMemory.unlink(name, location.options())) {
                out.println("removed " + name);
            } else {
                err.println("interproc rm: "
                        + (refusal != null ? refusal : "no region '" + name + "' in " + location.describe()));
                exitCode = Main.EXIT_REFUSED;
            }
        }
        out.flush();
        return exitCode;
    }

    /** Why the named region must not be removed, or null to remove it. */
    private String refusal(String name) {
        try {
            RegionInfo region = SharedMemory.inspect(name, location.options());
            List<ProcessInfo> live = region.liveProcesses();
            if (live.isEmpty() || force) {
                return null;
            }
            return "region '" + name + "' is in use by " + live.size() + " live process"
                    + (live.size() == 1 ? "" : "es")
                    + " (pid " + live.stream().map(p -> String.valueOf(p.pid())).collect(Collectors.joining(", "))
                    + "); not removed. Stop them first, or use --force (they keep working on it, but nobody can open "
                    + "it again)";
        } catch (RegionNotFoundException e) {
            return "no region '" + name + "' in " + location.describe();
        } catch (IncompatibleRegionException e) {
            if (e.isForeign()) {
                return "'" + name + "' in " + location.describe() + " is not an interproc region (another program "
                        + "made it); not removed";
            }
            return force ? null : e.getMessage() + ". Cannot tell whether processes use it; not removed (use --force)";
        }
    }

    private Integer removeDead() {
        PrintWriter out = spec.commandLine().getOut();
        int removed = 0;
        for (RegionListing listing : SharedMemory.list(location.options())) {
            switch (listing) {
                case RegionInfo region
                when region.liveProcesses().isEmpty() -> {
                    if (SharedMemory.unlink(region.name(), location.options())) {
                        removed++;
                        out.println("removed " + region.name()
                                + (region.processes().isEmpty()
                                        ? " (no process attached)"
                                        : " (no live process; "
                                                + region.processes().size() + " dead)"));
                    }
                }
                case RegionInfo inUse ->
                    out.println("kept " + inUse.name() + ": "
                            + inUse.liveProcesses().size() + " live process"
                            + (inUse.liveProcesses().size() == 1 ? "" : "es"));
                case UnreadableRegion unreadable ->
                    out.println("kept " + unreadable.name() + ": " + unreadable.problem()
                            + " (cannot tell whether it is in use)");
            }
        }
        out.println("removed " + removed + " region" + (removed == 1 ? "" : "s"));
        out.flush();
        return Main.EXIT_OK;
    }
}
