package dev.interproc.example.worker;

import java.time.Duration;

/**
 * How {@link WorkerDemo} runs.
 *
 * @param apiProcesses how many HTTP API processes serve the worker's state (at least 1; 2 with killApi)
 * @param jobs how many jobs the scheduler gets accepted before it stops
 * @param timeLimit how long the scheduler submits at most, even if fewer jobs were accepted
 * @param shortestCalculation the shortest calculation of the worker
 * @param longestCalculation the longest calculation of the worker
 * @param killApi whether to SIGKILL one API process while it holds the lock, a third of the way through
 */
public record DemoSettings(
        int apiProcesses,
        int jobs,
        Duration timeLimit,
        Duration shortestCalculation,
        Duration longestCalculation,
        boolean killApi) {

    /** Checks the settings. */
    public DemoSettings {
        if (apiProcesses < (killApi ? 2 : 1)) {
            throw new IllegalArgumentException("the demo needs at least "
                    + (killApi ? "2 API processes to kill one" : "1 API process") + ", not " + apiProcesses);
        }
        if (jobs < 1) {
            throw new IllegalArgumentException("the demo needs at least 1 job, not " + jobs);
        }
        if (shortestCalculation.isNegative() || longestCalculation.compareTo(shortestCalculation) < 0) {
            throw new IllegalArgumentException("calculations must take between 0 <= shortest <= longest, not "
                    + shortestCalculation.toMillis() + " ms to " + longestCalculation.toMillis() + " ms");
        }
    }
}
