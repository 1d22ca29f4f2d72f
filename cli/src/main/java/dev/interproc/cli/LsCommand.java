package dev.interproc.cli;

import dev.interproc.ProcessInfo;
import dev.interproc.RegionInfo;
import dev.interproc.RegionListing;
import dev.interproc.SharedMemory;
import dev.interproc.UnreadableRegion;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code interproc ls}: every interproc region on the host, without attaching to any. */
@Command(
        name = "ls",
        mixinStandardHelpOptions = true,
        description = {
            "Lists every interproc region: size, layout version, creator, attached processes "
                    + "(alive or dead) and slot count.",
            "Other shared-memory objects are skipped: only their header is read, never mapped. A region of "
                    + "another layout version is listed with its version and nothing else.",
            "A process is alive while it runs and has the region open; one killed without closing it is dead."
        })
final class LsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private RegionLocation location;

    @Option(
            names = "--json",
            description = "Print JSON instead of a table: {\"location\", \"regions\": [...]}, each region with "
                    + "name, size (bytes), readable and layoutVersion (-1 when unknown); a readable one also with "
                    + "creator {pid, alive}, created (ISO-8601), processes [{index, pid, alive}] and slotCount, an "
                    + "unreadable one with problem. Numbers are JSON numbers.")
    private boolean json;

    @Override
    public Integer call() {
        List<RegionListing> regions = SharedMemory.list(location.options());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("location", location.describe());
            document.put("regions", regions.stream().map(RegionJson::listing).toList());
            out.println(Json.write(document));
        } else if (regions.isEmpty()) {
            out.println("no interproc regions in " + location.describe());
        } else {
            TextTable table = new TextTable("REGION", "SIZE", "VERSION", "CREATOR", "CREATED", "PROCESSES", "SLOTS");
            for (RegionListing listing : regions) {
                switch (listing) {
                    case RegionInfo region ->
                        table.add(
                                region.name(),
                                TextTable.bytes(region.size()),
                                String.valueOf(region.layoutVersion()),
                                creator(region),
                                region.created().toString(),
                                processes(region.processes()),
                                String.valueOf(region.slots().size()));
                    case UnreadableRegion unreadable ->
                        table.add(
                                unreadable.name(),
                                TextTable.bytes(unreadable.size()),
                                unreadable.layoutVersion() < 0 ? "?" : String.valueOf(unreadable.layoutVersion()),
                                "-",
                                "-",
                                "unreadable: " + unreadable.problem(),
                                "-");
                }
            }
            table.print(out);
        }
        out.flush();
        return Main.EXIT_OK;
    }

    static String creator(RegionInfo region) {
        return "pid " + region.creatorPid() + (region.creatorAlive() ? "" : " (gone)");
    }

    /** "none", or the pids with "(dead)" after the dead ones: "4121, 4150 (dead)". */
    static String processes(List<ProcessInfo> processes) {
        if (processes.isEmpty()) {
            return "none";
        }
        return processes.stream()
                .map(p -> p.pid() + (p.alive() ? "" : " (dead)"))
                .collect(Collectors.joining(", "));
    }
}
