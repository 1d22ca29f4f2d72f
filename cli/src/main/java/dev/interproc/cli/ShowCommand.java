package dev.interproc.cli;

import dev.interproc.IncompatibleRegionException;
import dev.interproc.RegionInfo;
import dev.interproc.RegionNotFoundException;
import dev.interproc.SharedMemory;
import dev.interproc.SlotInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code interproc show REGION}: every slot of one region, without attaching to it. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = {
            "Shows one region: its header, attached processes and every slot with its type and value.",
            "Enums show their constant's name; locks show free, held by pid N, or owner dead, and whether "
                    + "threads wait on them. The region is read without attaching to it.",
            "Exit code 1 when there is no such region, it is not an interproc region, or it is not readable by "
                    + "this version."
        })
final class ShowCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private RegionLocation location;

    @Parameters(paramLabel = "REGION", description = "The region's name.")
    private String name;

    @Option(
            names = "--json",
            description = "Print JSON instead of text: the region's name, location, size, layoutVersion, creator, "
                    + "created, processes, maxProcesses, maxSlots and slots [{name, type, size, value, lock}]. A "
                    + "value is a number for SharedInt, SharedLong and SharedDouble (NaN and infinities as "
                    + "strings), an array of every element for the arrays, and a string otherwise (an enum's "
                    + "constant name, a state in words); lock {state: free|held|owner_dead, ownerPid, waiters, "
                    + "fencingToken} is there for locks only.")
    private boolean json;

    @Override
    public Integer call() {
        RegionInfo region;
        try {
            region = SharedMemory.inspect(name, location.options());
        } catch (RegionNotFoundException e) {
            spec.commandLine().getErr().println("interproc show: no region '" + name + "' in " + location.describe());
            return Main.EXIT_REFUSED;
        } catch (IncompatibleRegionException e) {
            if (!e.isForeign()) {
                throw e;
            }
            spec.commandLine()
                    .getErr()
                    .println("interproc show: '" + name + "' in " + location.describe()
                            + " is not an interproc region (another program made it); nothing to show");
            return Main.EXIT_REFUSED;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(RegionJson.region(region)));
        } else {
            out.println("region " + region.name() + " in " + region.location() + ": " + TextTable.bytes(region.size())
                    + ", layout version " + region.layoutVersion() + ", created " + region.created() + " by "
                    + LsCommand.creator(region));
            out.println("processes: " + LsCommand.processes(region.processes()));
            if (region.slots().isEmpty()) {
                out.println("no slots");
            } else {
                TextTable table = new TextTable("SLOT", "TYPE", "SIZE", "VALUE");
                for (SlotInfo slot : region.slots()) {
                    table.add(slot.name(), slot.type(), String.valueOf(slot.size()), slot.value());
                }
                table.print(out);
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
