package dev.interproc.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmarks JAR (bench/run calls it):
 * <pre>
 * java -jar benchmarks.jar atomics [SECONDS [REPETITIONS [OPERATION PROCESSES]]]
 *     the multi-process SharedLong benchmark ({@link AtomicsBenchmark})
 * java -jar benchmarks.jar locks [SECONDS [REPETITIONS [IMPLEMENTATION OPERATION PROCESSES]]]
 *     the multi-process SharedLock and FileChannel.lock benchmark ({@link LocksBenchmark})
 * java -jar benchmarks.jar queue [SECONDS [REPETITIONS [IMPLEMENTATION OPERATION]]]
 *     the multi-process queue benchmark ({@link QueueBenchmark})
 * java -jar benchmarks.jar queue-flow [ROUNDS]
 *     the time from the SIGKILL of a queue's lock holder to the next message ({@link QueueFlowBenchmark})
 * java -jar benchmarks.jar jmh [JMH OPTIONS]
 *     the JMH microbenchmarks of this module
 * </pre>
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        String suite = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        switch (suite) {
            case "atomics" -> AtomicsBenchmark.main(rest);
            case "locks" -> LocksBenchmark.main(rest);
            case "queue" -> QueueBenchmark.main(rest);
            case "queue-flow" -> QueueFlowBenchmark.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("usage: java -jar benchmarks.jar atomics [SECONDS [REPETITIONS [OPERATION"
                        + " PROCESSES]]]\n"
                        + "       java -jar benchmarks.jar locks [SECONDS [REPETITIONS [IMPLEMENTATION OPERATION PROCESSES]]]\n"
                        + "       java -jar benchmarks.jar queue [SECONDS [REPETITIONS [IMPLEMENTATION OPERATION]]]\n"
                        + "       java -jar benchmarks.jar queue-flow [ROUNDS]\n"
                        + "       java -jar benchmarks.jar jmh [JMH OPTIONS]\n"
                        + "(bench/run runs them all and sets the figures beside their C baselines)");
                System.exit(2);
            }
        }
    }
}
