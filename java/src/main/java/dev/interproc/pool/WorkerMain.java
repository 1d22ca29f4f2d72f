package dev.interproc.pool;

import dev.interproc.connection.Connection;
import dev.interproc.connection.Pipe;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The {@code main} of a worker JVM: runs the tasks its parent sends over standard input and output ({@link
 * Pipe#toParent()}) one after another, and answers each with its {@link Wire.Outcome}.
 *
 * <p>A reader thread is blocked receiving from the parent at all times, also while a task runs, and halts the JVM
 * the moment the parent's end closes: when the parent closes the pool, and when the parent dies, even by SIGKILL,
 * since the kernel then closes its end of the pipe. So no worker outlives its parent, which
 * {@code PR_SET_PDEATHSIG} alone could not ensure in a JVM (it fires when the forking thread ends). Exits with
 * {@value #PARENT_GONE} then.
 */
final class WorkerMain {

    /** The exit code of a worker whose parent closed its connection or died. */
    static final int PARENT_GONE = 0;

    /** The exit code of a worker that could not talk to its parent. */
    static final int BROKEN = 3;

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
        Connection parent = Wire.unlimited(Pipe.toParent());
        parent.sendBytes(
                Wire.CODEC.encode(new Wire.Hello(ProcessHandle.current().pid(), ClassPathHash.current())));
        BlockingQueue<Wire.Job> jobs = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> readJobs(parent, jobs), name + " reader");
        reader.setDaemon(true);
        reader.start();
        String where = name + " (pid " + ProcessHandle.current().pid() + ")";
        while (true) {
            Wire.Job job = jobs.take();
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

    private static void readJobs(Connection parent, BlockingQueue<Wire.Job> jobs) {
        try {
            while (true) {
                jobs.add(Wire.Job.decode(parent.recvBytes()));
            }
        } catch (IOException | RuntimeException e) {
            // End of file: the parent closed the connection or died; anything else leaves it unable to reach us.
            Runtime.getRuntime().halt(e instanceof java.io.EOFException ? PARENT_GONE : BROKEN);
        }
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
