package dev.interproc;

import dev.interproc.internal.ffm.Native;
import dev.interproc.process.StartHandshake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The child JVMs of the multi-process tests, one job per first argument. Every job opens its region,
 * prints {@code READY}, and where processes must start together waits for {@code GO} on standard input;
 * results are printed as one {@code DONE ...} line. Any failure is an exception: a stack trace on
 * standard error and a non-zero exit code.
 */
public final class ChildMain {

    /** The three-state cycle the enum test moves around: A -> B -> C -> A. */
    enum Cycle {
        A,
        B,
        C;

        Cycle next() {
            return values()[(ordinal() + 1) % 3];
        }
    }

    private static final BufferedReader STDIN =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private ChildMain() {}

    public static void main(String[] args) throws Exception {
        String job = args[0];
        String region = args[1];
        switch (job) {
            case "add-long" -> addLong(region, args[2], Integer.parseInt(args[3]));
            case "cas-int" -> casInt(region, args[2], Integer.parseInt(args[3]));
            case "cycle-enum" -> cycleEnum(region, args[2], Integer.parseInt(args[3]));
            case "add-double-and-arrays" -> addDoubleAndArrays(region, Integer.parseInt(args[2]));
            case "enum-session" -> enumSession(region, args[2], args[3], args[4]);
            case "pause-in-directory" -> pauseInDirectory(region, args[2]);
            case "attach" -> attach(region);
            case "open-or-create" -> openOrCreate(region);
            case "exercise-corrupt" -> CorruptRegionExercise.run(Path.of(region), caseNumbers(args));
            case "attach-cases" -> attachCases(Path.of(region), caseNumbers(args));
            case "list-regions" -> CorruptRegionExercise.list(Path.of(region));
            default -> throw new IllegalArgumentException("unknown child job " + job + " " + Arrays.toString(args));
        }
    }

    private static void readyThenAwaitGo() throws IOException {
        StartHandshake.signalReady();
        StartHandshake.awaitGo(STDIN);
    }

    private static void addLong(String region, String slot, int count) throws IOException {
        try (SharedMemory memory = SharedMemory.open(region)) {
            SharedLong counter = memory.sharedLong(slot);
            readyThenAwaitGo();
            for (int i = 0; i < count; i++) {
                counter.getAndAdd(1);
            }
            System.out.println("DONE " + count);
        }
    }

    private static void casInt(String region, String slot, int count) throws IOException {
        try (SharedMemory memory = SharedMemory.open(region)) {
            SharedInt counter = memory.sharedInt(slot);
            readyThenAwaitGo();
            long retries = 0;
            for (int i = 0; i < count; i++) {
                int seen = counter.get();
                while (!counter.compareAndSet(seen, seen + 1)) {
                    seen = counter.get();
                    retries++;
                }
            }
            System.out.println("DONE " + count + " retries " + retries);
        }
    }

    /** Adds 1.0 to a SharedDouble and 1 to every element of a SharedIntArray and a SharedLongArray, count times. */
    private static void addDoubleAndArrays(String region, int count) throws IOException {
        try (SharedMemory memory = SharedMemory.open(region)) {
            SharedDouble sum = memory.sharedDouble("sum");
            SharedIntArray ints = memory.sharedIntArray("ints", 4);
            SharedLongArray longs = memory.sharedLongArray("longs", 4);
            readyThenAwaitGo();
            for (int i = 0; i < count; i++) {
                sum.addAndGet(1.0);
                ints.getAndAdd(i % ints.length(), 1);
                longs.incrementAndGet(i % longs.length());
            }
            System.out.println("DONE " + count);
        }
    }

    /** Makes {@code count} successful A->B->C->A steps; prints how many of each transition it made. */
    private static void cycleEnum(String region, String slot, int count) throws IOException {
        try (SharedMemory memory = SharedMemory.open(region)) {
            SharedEnum<Cycle> cycle = memory.sharedEnum(slot, Cycle.class, Cycle.A);
            readyThenAwaitGo();
            long[] from = new long[3];
            for (int done = 0; done < count; ) {
                Cycle seen = cycle.get();
                if (cycle.compareAndSet(seen, seen.next())) {
                    from[seen.ordinal()]++;
                    done++;
                }
            }
            System.out.println("DONE " + from[0] + " " + from[1] + " " + from[2]);
        }
    }

    /**
     * Attaches to an enum slot of the class named {@code enumClass} (found on this child's class path, where
     * the test put one release of it), creating the region if {@code mode} is {@code create}. Prints
     * {@code REFUSED <message>} and exits if the slot belongs to an incompatible enum, otherwise {@code READY},
     * then answers commands from standard input, each tagged with the caller's id:
     * {@code <id> get}, {@code <id> set NAME}, {@code <id> cas EXPECTED NEXT}, {@code <id> quit}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void enumSession(String region, String slot, String mode, String enumClass) throws Exception {
        Class type = Class.forName(enumClass).asSubclass(Enum.class);
        Enum initial = ((Enum[]) type.getEnumConstants())[0];
        try (SharedMemory memory = mode.equals("create") ? SharedMemory.create(region) : SharedMemory.open(region)) {
            SharedEnum shared;
            try {
                shared = memory.sharedEnum(slot, type, initial);
            } catch (IncompatibleSlotException refused) {
                System.out.println("REFUSED " + refused.getMessage());
                return;
            }
            StartHandshake.signalReady();
            String line;
            while ((line = STDIN.readLine()) != null) {
                String[] words = line.split(" ");
                String id = words[0];
                switch (words[1]) {
                    case "get" -> System.out.println(id + " " + shared.name() + " " + shared.value());
                    case "set" -> {
                        shared.set(words[2]);
                        System.out.println(id + " ok");
                    }
                    case "cas" ->
                        System.out.println(id + " "
                                + shared.compareAndSet(Enum.valueOf(type, words[2]), Enum.valueOf(type, words[3])));
                    case "quit" -> {
                        System.out.println(id + " bye");
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown command " + line);
                }
            }
        }
    }

    /** Starts creating a slot and stops, holding the directory lock, until it is killed. */
    private static void pauseInDirectory(String region, String slot) {
        try (SharedMemory memory = SharedMemory.open(region)) {
            StartHandshake.signalReady();
            Native.debugSetDirectoryPause(60_000);
            memory.sharedLong(slot, 7);
            throw new IllegalStateException("the directory pause ended before the test killed this process");
        }
    }

    /** Stays attached to the region until standard input says otherwise (or the process is killed). */
    @SuppressWarnings("try") // being attached is the point; the region object itself is not used
    private static void attach(String region) throws IOException {
        try (SharedMemory memory = SharedMemory.open(region)) {
            StartHandshake.signalReady();
            STDIN.readLine();
        }
    }

    /** The case numbers of {@link RegionCorruptionTest} after the job and the root directory. */
    private static List<Integer> caseNumbers(String[] args) {
        return Arrays.stream(args, 2, args.length).map(Integer::valueOf).toList();
    }

    /**
     * Opens the region of every case (see {@link CorruptRegionExercise}) and stays attached until it is killed,
     * which leaves one process-table entry of each attached to a dead process.
     */
    private static void attachCases(Path root, List<Integer> numbers) throws IOException {
        List<SharedMemory> attached = new ArrayList<>();
        for (int number : numbers) {
            attached.add(SharedMemory.open(CorruptRegionExercise.REGION, CorruptRegionExercise.options(root, number)));
        }
        StartHandshake.signalReady();
        STDIN.readLine();
        attached.forEach(SharedMemory::close);
    }

    /** Races the other children to open or create the region; reports whether this one created it. */
    private static void openOrCreate(String region) throws IOException {
        readyThenAwaitGo();
        try (SharedMemory memory = SharedMemory.openOrCreate(region)) {
            long joined = memory.sharedLong("joined").incrementAndGet();
            System.out.println("DONE creator=" + memory.isCreator() + " joined=" + joined);
        }
    }
}
