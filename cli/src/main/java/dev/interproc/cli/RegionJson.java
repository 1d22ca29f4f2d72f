package dev.interproc.cli;

import dev.interproc.LockInfo;
import dev.interproc.ProcessInfo;
import dev.interproc.RegionInfo;
import dev.interproc.RegionListing;
import dev.interproc.SlotInfo;
import dev.interproc.UnreadableRegion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shapes of {@code ls --json} and {@code show --json} (docs/cli.md), as maps for {@link Json}. A slot's
 * value is data where it can be: a number for the numeric types, an array of numbers for the arrays, a string
 * otherwise (an enum's constant name, a lock's or a coordination slot's state in words).
 */
final class RegionJson {

    private RegionJson() {}

    /** One entry of {@code ls --json}: a readable region's summary, or an unreadable one's problem. */
    static Map<String, Object> listing(RegionListing listing) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", listing.name());
        json.put("size", listing.size());
        switch (listing) {
            case RegionInfo region -> {
                json.put("readable", true);
                header(region, json);
                json.put("slotCount", region.slots().size());
            }
            case UnreadableRegion unreadable -> {
                json.put("readable", false);
                json.put("layoutVersion", unreadable.layoutVersion());
                json.put("problem", unreadable.problem());
            }
        }
        return json;
    }

    /** The object of {@code show --json}: the header, the processes and every slot. */
    static Map<String, Object> region(RegionInfo region) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", region.name());
        json.put("location", region.location());
        json.put("size", region.size());
        header(region, json);
        json.put("maxProcesses", region.maxProcesses());
        json.put("maxSlots", region.maxSlots());
        json.put("slots", region.slots().stream().map(RegionJson::slot).toList());
        return json;
    }

    private static void header(RegionInfo region, Map<String, Object> json) {
        json.put("layoutVersion", region.layoutVersion());
        Map<String, Object> creator = new LinkedHashMap<>();
        creator.put("pid", region.creatorPid());
        creator.put("alive", region.creatorAlive());
        json.put("creator", creator);
        json.put("created", region.created().toString());
        json.put("processes", processes(region.processes()));
    }

    private static List<Object> processes(List<ProcessInfo> processes) {
        return processes.stream()
                .map(process -> {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("index", process.index());
                    json.put("pid", process.pid());
                    json.put("alive", process.alive());
                    return (Object) json;
                })
                .toList();
    }

    private static Map<String, Object> slot(SlotInfo slot) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", slot.name());
        json.put("type", slot.type());
        json.put("size", slot.size());
        json.put("value", value(slot));
        slot.lockInfo().ifPresent(lock -> json.put("lock", lock(lock)));
        return json;
    }

    private static Object value(SlotInfo slot) {
        if (slot.numbers().isEmpty()) {
            return slot.value();
        }
        return slot.type().endsWith("Array") ? slot.numbers() : slot.numbers().getFirst();
    }

    private static Map<String, Object> lock(LockInfo lock) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", lock.state().name().toLowerCase(Locale.ROOT));
        json.put("ownerPid", lock.ownerPid());
        json.put("waiters", lock.waiters());
        json.put("fencingToken", lock.fencingToken());
        return json;
    }
}
