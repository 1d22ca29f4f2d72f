package dev.interproc.cli;

import dev.interproc.SharedEnum;
import dev.interproc.SharedLong;
import dev.interproc.SharedLongArray;
import dev.interproc.SharedMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * One worker process of {@code interproc demo}, started by {@link DemoCommand} as a child JVM with the
 * arguments {@code <region> <worker index> <workers>}.
 *
 * <p>It opens the region, prints {@code READY} and waits for {@code GO} on standard input. Then, until the
 * shared {@link Phase} leaves {@code RUNNING}, it repeats: increment the shared counter, and try to move
 * the shared traffic {@link Light} one step on with a compare-and-set. It publishes its own count as it
 * goes and, at the end, how many transitions it won out of each colour, then prints {@code DONE}. If its
 * standard input closes (the demo was stopped), it exits at once.
 */
public final class DemoWorker {

    static final String COUNTER = "demo/increments";
    static final String LIGHT = "demo/light";
    static final String PHASE = "demo/phase";
    static final String PROGRESS = "demo/progress";
    static final String TRANSITIONS = "demo/transitions";

    /** How often (in increments) a worker publishes its count and looks at the phase. */
    private static final int CHECK_EVERY = 256;

    /** The state machine the workers drive together: GREEN -> YELLOW -> RED -> GREEN. */
    enum Light {
        GREEN, YELLOW, RED;

        Light next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    /** The demo's own life cycle, set by the coordinator and read by the workers. */
    enum Phase { WAITING, RUNNING, STOPPING }

    private DemoWorker() {
    }

    public static void main(String[] args) throws IOException {
        String region = args[0];
        int index = Integer.parseInt(args[1]);
        int workers = Integer.parseInt(args[2]);
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (SharedMemory memory = SharedMemory.open(region)) {
            SharedLong counter = memory.sharedLong(COUNTER);
            SharedEnum<Light> light = memory.sharedEnum(LIGHT, Light.class, Light.GREEN);
            SharedEnum<Phase> phase = memory.sharedEnum(PHASE, Phase.class, Phase.WAITING);
            SharedLongArray progress = memory.sharedLongArray(PROGRESS, workers);
            SharedLongArray transitions = memory.sharedLongArray(TRANSITIONS, workers * Light.values().length);
            System.out.println("READY");
            if (!"GO".equals(stdin.readLine())) {
                return;
            }
            exitWhenInputCloses(stdin);

            long increments = 0;
            long[] fromColour = new long[Light.values().length];
            do {
                for (int i = 0; i < CHECK_EVERY; i++) {
                    counter.getAndAdd(1);
                    Light seen = light.get();
                    if (light.compareAndSet(seen, seen.next())) {
                        fromColour[seen.ordinal()]++;
                    }
                }
                increments += CHECK_EVERY;
                progress.setRelease(index, increments);
            } while (phase.get() == Phase.RUNNING);

            for (Light colour : Light.values()) {
                transitions.set(index * Light.values().length + colour.ordinal(), fromColour[colour.ordinal()]);
            }
            System.out.println("DONE");
        }
    }

    /** The coordinator holds our standard input open while it runs; if it dies, so do we. */
    private static void exitWhenInputCloses(BufferedReader stdin) {
        Thread.ofPlatform().daemon().name("demo-stdin").start(() -> {
            try {
                while (stdin.readLine() != null) {
                    // Nothing else is sent after GO.
                }
            } catch (IOException e) {
                // A broken pipe ends the worker as well as a closed one.
            }
            System.exit(3);
        });
    }
}
