package dev.interproc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The child side of {@link RegionCorruptionTest}: for each case, in the case's directory, inspects, lists, opens
 * and uses the region as an application and the CLI would, every wait bounded, and reports each step on standard
 * output, so that the parent knows the step a crash or a hang happened in:
 *
 * <pre>
 * case N begin
 * case N step STEP: ok
 * case N step STEP: CLASS: MESSAGE          (an exception; the message on one line)
 * case N step STEP: exit CODE: ERROR OUTPUT (a CLI command that did not succeed)
 * case N end
 * all cases done
 * </pre>
 */
final class CorruptRegionExercise {

    /** The name of the region in every case's directory. */
    static final String REGION = "corrupt";

    static final String ALL_DONE = "all cases done";

    /** Bounds the wait for a region that is not ready: every case must end well within the parent's step bound. */
    private static final Duration OPEN_TIMEOUT = Duration.ofMillis(300);

    private final int number;

    private CorruptRegionExercise(int number) {
        this.number = number;
    }

    /** The directory of case {@code number} under {@code root}. */
    static Path caseDirectory(Path root, int number) {
        return root.resolve("case-" + number);
    }

    /** The options a process of case {@code number} opens its region with. */
    static RegionOptions options(Path root, int number) {
        return RegionOptions.defaults()
                .withDirectory(caseDirectory(root, number))
                .withOpenTimeout(OPEN_TIMEOUT);
    }

    /** Runs the cases {@code numbers} of the regions under {@code root}, one after another. */
    static void run(Path root, List<Integer> numbers) {
        for (int number : numbers) {
            new CorruptRegionExercise(number).exercise(root);
        }
        System.out.println(ALL_DONE);
    }

    /**
     * Lists {@code directory} with {@link SharedMemory#list}, one line per region: its name, then "pid N" for a
     * readable region's creator, or "unreadable: " and the problem.
     */
    static void list(Path directory) {
        for (RegionListing listing : SharedMemory.list(RegionOptions.defaults().withDirectory(directory))) {
            System.out.println(listing.name() + " "
                    + (listing instanceof UnreadableRegion unreadable
                            ? "unreadable: " + unreadable.problem().replace('\n', ' ')
                            : "pid " + ((RegionInfo) listing).creatorPid()));
        }
    }

    private void exercise(Path root) {
        RegionOptions options = options(root, number);
        report("begin");
        step("inspect", () -> SharedMemory.inspect(REGION, options).toString());
        step("list", () -> {
            for (RegionListing listing : SharedMemory.list(options)) {
                if (listing instanceof UnreadableRegion unreadable) {
                    return new Refusal(UnreadableRegion.class.getName() + ": " + unreadable.problem());
                }
            }
            return null;
        });
        SharedMemory memory = step("open", () -> SharedMemory.open(REGION, options));
        if (memory != null) {
            step("slotNames", memory::slotNames);
            for (SlotKind<?> kind : SlotKind.ALL) {
                step(CorruptionCases.slotName(kind), () -> exercise(kind, memory));
            }
            step("create", () -> memory.sharedLong("created", 5).get());
            step("close", () -> {
                memory.close();
                return null;
            });
        }
        report("end");
    }

    private static <A> Object exercise(SlotKind<A> kind, SharedMemory memory) throws Exception {
        kind.exercise().run(kind.another().open(memory, CorruptionCases.slotName(kind)));
        return null;
    }

    /** A step's outcome that is a refusal although nothing was thrown, as the library worded it. */
    private record Refusal(String text) {}

    /**
     * Runs {@code step} and reports its outcome: ok, the {@link Refusal} it returned, or what it threw. Returns
     * what it returned, or null if it threw.
     */
    private <T> T step(String name, Callable<T> step) {
        try {
            T result = step.call();
            report("step " + name + ": " + (result instanceof Refusal refusal ? refusal.text() : "ok"));
            return result;
        } catch (Throwable thrown) {
            report("step " + name + ": " + thrown.getClass().getName() + ": " + thrown.getMessage());
            return null;
        }
    }

    private void report(String what) {
        System.out.println(("case " + number + " " + what).replace('\n', ' ').replace('\r', ' '));
        System.out.flush();
    }
}
