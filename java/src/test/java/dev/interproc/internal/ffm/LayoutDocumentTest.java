package dev.interproc.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/layout.md, the language-neutral specification, must not drift from the code: every offset in its field
 * tables is the one libinterproc exports ({@code ip_layout_value}, which {@link RegionLayout} reads).
 */
class LayoutDocumentTest {

    /** The structure of native/src/internal.h whose fields each section's table lists, by the section's heading. */
    private static final Map<String, String> STRUCT_OF_SECTION = Map.ofEntries(
            Map.entry("## Header", "ip_header"),
            Map.entry("## Process table", "ip_process_entry"),
            Map.entry("## Slot directory", "ip_slot_entry"),
            Map.entry("### Lock slot", "ip_lock_slot"),
            Map.entry("### Condition slot", "ip_condition_slot"),
            Map.entry("### Semaphore slot", "ip_semaphore_slot"),
            Map.entry("#### Semaphore holder entry", "ip_semaphore_holder"),
            Map.entry("### Event slot", "ip_event_slot"),
            Map.entry("### Barrier slot", "ip_barrier_slot"),
            Map.entry("### Queue slot", "ip_queue_slot"),
            Map.entry("### Joinable queue slot", "ip_joinable_tasks"));

    /**
     * A row of a field table with a fixed offset: {@code | 64 | 4 | `seq` | ...}, the field possibly followed by
     * an index ({@code `holders[i]`}). Padding rows name no field; rows at computed offsets ({@code 96 + 4P})
     * have no number to check.
     */
    private static final Pattern FIELD_ROW =
            Pattern.compile("^\\|\\s*(\\d+)\\s*\\|[^|]*\\|\\s*`(\\w+)(?:\\[\\w*])?`\\s*\\|");

    @Test
    void everyOffsetInTheTablesIsTheExportedOne() throws IOException {
        Path document = Path.of(System.getProperty("interproc.repo.root"), "docs", "layout.md");
        List<String> disagreements = new ArrayList<>();
        Map<String, Integer> rowsPerStruct = new TreeMap<>();
        String struct = null;
        for (String line : Files.readAllLines(document)) {
            if (line.startsWith("#")) {
                struct = structOf(line);
                continue;
            }
            Matcher row = FIELD_ROW.matcher(line);
            if (struct == null || !row.find()) {
                continue;
            }
            String key = "offsetof." + struct + "." + row.group(2);
            long documented = Long.parseLong(row.group(1));
            try {
                long exported = Native.layout(key);
                if (exported != documented) {
                    disagreements.add(key + ": the document says " + documented + ", libinterproc " + exported);
                }
            } catch (IllegalStateException unknown) {
                disagreements.add(key + ": the document lists it, libinterproc does not export it");
            }
            rowsPerStruct.merge(struct, 1, Integer::sum);
        }
        assertEquals(List.of(), disagreements, "docs/layout.md disagrees with native/src/internal.h");
        assertEquals(
                new TreeSet<>(STRUCT_OF_SECTION.values()),
                rowsPerStruct.keySet(),
                "a section of docs/layout.md has lost its field table, or its heading changed: " + rowsPerStruct);
    }

    private static String structOf(String heading) {
        return STRUCT_OF_SECTION.entrySet().stream()
                .filter(section -> heading.equals(section.getKey()) || heading.startsWith(section.getKey() + " "))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}
