package dev.interproc.pool;

import dev.interproc.connection.Connection;
import dev.interproc.connection.Pipe;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The {@code main} of a worker JVM: runs the tasks its parent sends over standard input and output ({@link
 * Pipe#toParent()}) one after another, and answers each with its {@link Wire.Outcome}. The main thread reads, runs
 * and answers, so that a job costs no hand-off between threads.
 *
 * <p>No worker outlives its parent. When the parent closes the pool or dies, even by SIGKILL, the kernel closes its
 * end of the pipe, and the main thread halts the JVM at the end of file when it next reads. A task may run long,
 * so a watch thread also compares this JVM's parent pid, every {@value #PARENT_WATCH_MILLIS} ms, with the one it
 * started with, and halts the JVM when it has changed (the kernel gives an orphan to init or a subreaper).
 * {@code PR_SET_PDEATHSIG} alone could not do this in a JVM (it fires when the forking thread ends). Exits with
 * {@value #PARENT_GONE} then.
 */
final class WorkerMain {

    /** The exit code of a worker whose parent closed its connection or died. */
    static final int PARENT_GONE = 0;

    /** The exit code of a worker that could not talk to its parent. */
    static final int BROKEN = 3;

    /** How often the watch thread checks that the parent lives. */
    static final long PARENT_WATCH_MILLIS = 100;

    /** How many decoded functions a worker keeps, the least recently used going first. */
    private static final int KEPT_FUNCTIONS = 64;

    /** Functions kept decoded by their {@link Wire.Job#functionKey()}; used by the main thread only. */
    private static final Map<Long, Object> FUNCTIONS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Object> eldest) {
            return size() > KEPT_FUNCTIONS;
        }
    };

    private WorkerMain() {}

    /**
     * Runs the worker.
     *
     * @param args the worker's name, for its messages
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        String name = args.length > 0 ? args[0] : "worker";
        Connection parent = Wire.unlimited(Pipe.toParentBlocking());
        parent.sendBytes(
                Wire.CODEC.encode(new Wire.Hello(ProcessHandle.current().pid(), ClassPathHash.current())));
        long parentPid = parentPid();
        Thread.ofPlatform().daemon().name(name + " parent watch").start(() -> watchParent(parentPid));
        String where = name + " (pid " + ProcessHandle.current().pid() + ")";
        while (true) {
            Wire.Job job = readJob(parent);
            try {
                parent.sendBytes(Wire.STARTED);
            } catch (IOException parentGone) {
                Runtime.getRuntime().halt(PARENT_GONE);
            }
            Wire.Outcome outcome = run(job, where);
            try {
                parent.sendBytes(encode(outcome, where));
            } catch (IOException parentGone) {
                Runtime.getRuntime().halt(PARENT_GONE);
            }
            if (job.last()) {
                System.exit(outcome.failure() == null ? 0 : 1);
            }
        }
    }

    private static Wire.Job readJob(Connection parent) {
        try {
            return Wire.Job.decode(parent.recvBytes());
        } catch (IOException | RuntimeException e) {
            // End of file: the parent closed the connection or died; anything else leaves it unable to reach us.
            Runtime.getRuntime().halt(e instanceof java.io.EOFException ? PARENT_GONE : BROKEN);
            throw new AssertionError("halted", e);
        }
    }

    private static long parentPid() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    }

    private static void watchParent(long parentPid) {
        while (parentPid() == parentPid) {
            try {
                Thread.sleep(PARENT_WATCH_MILLIS);
            } catch (InterruptedException e) {
                // Nothing interrupts this thread; keep watching.
            }
        }
        Runtime.getRuntime().halt(PARENT_GONE);
    }

    private static Wire.Outcome run(Wire.Job job, String where) {
        try {
            Object function = function(job);
            if (job.items() == null) {
                return new Wire.Outcome(job.id(), ((Callable<?>) function).call(), null);
            }
            @SuppressWarnings("unchecked")
            Function<Object, Object> mapped = (Function<Object, Object>) function;
            return new Wire.Outcome(job.id(), ChunkTask.applyTo(mapped, (List<?>) Values.decode(job.items())), null);
        } catch (Throwable failure) {
            return new Wire.Outcome(job.id(), null, Wire.sendable(failure, where));
        }
    }

    /** The job's function: decoded, or kept from an earlier job with its key. */
    private static Object function(Wire.Job job) throws IOException {
        if (job.functionKey() == 0) {
            return Wire.CODEC.decode(job.function());
        }
        Object function = FUNCTIONS.get(job.functionKey());
        if (function == null) {
            function = Wire.CODEC.decode(job.function());
            FUNCTIONS.put(job.functionKey(), function);
        }
        return function;
    }

    /** Encodes the outcome; a result that cannot be serialized fails the task instead of the worker. */
    private static byte[] encode(Wire.Outcome outcome, String where) throws IOException {
        try {
            return outcome.encode();
        } catch (IOException unserializable) {
            RemoteTaskException failure = new RemoteTaskException(
                    "the result of the task, " + outcome.value().getClass() + ", cannot be sent from " + where + ": "
                            + unserializable,
                    unserializable.getStackTrace());
            return new Wire.Outcome(outcome.id(), null, failure).encode();
        }
    }
}
