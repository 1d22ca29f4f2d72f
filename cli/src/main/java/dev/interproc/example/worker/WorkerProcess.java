package dev.interproc.example.worker;

import dev.interproc.SharedMemory;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The worker daemon: runs one calculation at a time, for jobs the API processes submit through the shared
 * {@link WorkerState}, until a shutdown is requested; then finishes the current job and exits.
 *
 * <p>Arguments: region name, job-log capacity, shortest and longest calculation in milliseconds. Writes one
 * line per transition to standard output, for the demo to relay. When its standard input ends (the demo
 * that started it is gone), it requests its own shutdown.
 */
public final class WorkerProcess {

    /** The line the worker prints once it is IDLE: the demo's handshake. */
    public static final String READY = "UNAVAILABLE -> IDLE: ready for jobs";

    private WorkerProcess() {}

    /** Runs the worker until shutdown. */
    public static void main(String[] args) throws InterruptedException {
        String region = args[0];
        int capacity = Integer.parseInt(args[1]);
        long shortestMillis = Long.parseLong(args[2]);
        long longestMillis = Long.parseLong(args[3]);
        try (SharedMemory memory = SharedMemory.open(region)) {
            WorkerState state = new WorkerState(memory, capacity, WorkerProcess::say);
            state.markAvailable();
            say(READY);
            Thread.ofPlatform().daemon().name("parent watch").start(() -> shutDownWhenInputEnds(state));
            long lastJob = state.snapshot().job();
            while (true) {
                long job = state.awaitJob(lastJob);
                if (job == 0) {
                    break;
                }
                lastJob = job;
                say("started job " + job);
                Thread.sleep(ThreadLocalRandom.current().nextLong(shortestMillis, longestMillis + 1));
                WorkerStatus after = state.finish(job);
                if (after == WorkerStatus.IDLE) {
                    say("finished job " + job + ": CALCULATING -> IDLE");
                } else {
                    say("finished job " + job + " while " + after);
                }
            }
            state.markUnavailable();
            say("SHUTTING_DOWN -> UNAVAILABLE: no calculation running; exiting");
        }
    }

    private static void shutDownWhenInputEnds(WorkerState state) {
        try {
            while (System.in.read() >= 0) {
                // The demo sends nothing: only the end of the stream matters.
            }
        } catch (IOException e) {
            // A broken pipe means the same as its end: the parent is gone.
        }
        say("standard input ended (the demo is gone): shutting down");
        state.requestShutdown();
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
