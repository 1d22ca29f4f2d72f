package dev.interproc.pool;

import dev.interproc.connection.Pipe;
import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The parent's side of one worker JVM ({@link WorkerMain}): starts it, checks its handshake, sends it jobs and
 * receives their outcomes. One thread sends and receives at a time; {@link #kill}, {@link #terminate} and
 * {@link #close} may be called from any thread.
 */
final class Worker implements AutoCloseable {

    /**
     * The options every worker JVM starts with, before the caller's (which win where they conflict): the JVM's
     * warnings go to standard error (the parent's transcript of the worker) instead of standard output, which
     * carries the worker's connection (a warning there, such as one about an unusable AOT cache, would corrupt the
     * handshake); the messages about an AOT cache or class data sharing archive it cannot use are off (such a cache
     * is ignored); and no {@code hsperfdata} file is written ({@code -XX:-UsePerfData}: a file less to create at
     * start-up; {@code jps} does not list workers, {@code jcmd PID} still reaches them).
     */
    static final List<String> DEFAULT_OPTIONS = List.of(
            "-Xlog:disable",
            "-Xlog:all=warning:stderr",
            "-Xlog:aot*=off:stderr",
            "-Xlog:cds*=off:stderr",
            "-XX:-UsePerfData");

    /** How long a dead worker's exit code is waited for, once its connection has ended. */
    private static final Duration EXIT_CODE_PATIENCE = Duration.ofSeconds(1);

    private final String name;
    private final Pipe.Child child;

    /** See {@link #started()}; used by the thread that receives. */
    private boolean started;

    private Worker(String name, Pipe.Child child) {
        this.name = name;
        this.child = child;
    }

    /**
     * Starts a worker JVM and waits for its handshake, which must show the class path hash {@code expectedHash}.
     *
     * @param name the worker's name
     * @param jvmOptions options for the worker JVM, after {@link #DEFAULT_OPTIONS}
     * @param expectedHash {@link ClassPathHash#current()}, the code the worker must run
     * @param timeout how long the start and handshake may take
     * @param initializer an encoded task the worker runs before any other, or null; it may take as long as it takes
     * @return the ready worker
     * @throws IOException if the worker could not be started or ended before its handshake (the message holds its
     *     standard error)
     * @throws TimeoutException if its handshake did not come within {@code timeout}; the worker is killed
     * @throws IllegalStateException if it runs other code than this JVM (its class path hash differs), or its
     *     initializer threw (the cause); it is killed
     * @throws WorkerDiedException if it died running its initializer
     * @throws InterruptedException if this thread is interrupted while waiting for the exit of a worker that could
     *     not start
     */
    static Worker start(String name, List<String> jvmOptions, String expectedHash, Duration timeout, byte[] initializer)
            throws IOException, TimeoutException, InterruptedException {
        Pipe.Child child = Pipe.startChildBlocking(JavaProcess.builder(WorkerMain.class.getName())
                .jvmOptions(DEFAULT_OPTIONS.toArray(String[]::new))
                .jvmOptions(jvmOptions.toArray(String[]::new))
                .args(name));
        Wire.unlimited(child.connection());
        Worker worker = new Worker(name, child);
        boolean ready = false;
        try {
            Wire.Hello hello = worker.awaitHello(timeout);
            if (!hello.classPathHash().equals(expectedHash)) {
                throw new IllegalStateException(worker + " runs other code than this JVM: its class path hash is "
                        + hello.classPathHash() + ", this JVM's " + expectedHash + "; a JAR on the class path changed"
                        + " since this JVM started, or the worker was given another class path. Refusing it.");
            }
            if (initializer != null) {
                worker.initialize(initializer);
            }
            ready = true;
            return worker;
        } finally {
            if (!ready) {
                worker.close();
            }
        }
    }

    /**
     * Receives the handshake. The connection cannot wait with a timeout ({@link Pipe#startChildBlocking}), so a
     * watchdog kills a worker whose handshake has not come by then, which ends the receive.
     */
    private Wire.Hello awaitHello(Duration timeout) throws IOException, TimeoutException, InterruptedException {
        AtomicBoolean settled = new AtomicBoolean();
        Future<?> watchdog = Deadlines.after(timeout, () -> {
            if (settled.compareAndSet(false, true)) {
                kill();
            }
        });
        try {
            byte[] hello = child.connection().recvBytes();
            if (!settled.compareAndSet(false, true)) {
                throw new TimeoutException(this + " sent no handshake within " + timeout);
            }
            return (Wire.Hello) Wire.CODEC.decode(hello);
        } catch (IOException e) {
            boolean timedOut = !settled.compareAndSet(false, true);
            child.process().process().waitFor(EXIT_CODE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            if (timedOut) {
                throw new TimeoutException(this + " sent no handshake within " + timeout + "; its standard error:\n"
                        + child.process().transcript());
            }
            throw new IOException(
                    this + " ended before its handshake; its standard error:\n"
                            + child.process().transcript(),
                    e);
        } finally {
            watchdog.cancel(false);
        }
    }

    private void initialize(byte[] initializer) throws IOException {
        send(new Wire.Job(0, false, 0, initializer, null).encode());
        Wire.Outcome outcome = receive("the initializer of " + this);
        if (outcome.failure() != null) {
            throw new IllegalStateException(
                    "the initializer failed in " + this, RemoteTaskException.chainedTo(outcome.failure(), toString()));
        }
    }

    /**
     * {@return whether the worker announced that it started the job whose outcome {@link #receive} awaits, or awaited
     * when the worker died}: a job it never started can go to another worker, nothing of it having run
     */
    boolean started() {
        return started;
    }

    /** {@return the worker's name} */
    String name() {
        return name;
    }

    /** {@return the worker JVM's pid} */
    long pid() {
        return child.process().pid();
    }

    /** {@return the worker JVM} */
    JavaProcess process() {
        return child.process();
    }

    /** {@return how long its connection's receives spin before they block, which the pool's waits spin too} */
    Duration receiveSpin() {
        return child.connection().receiveSpin();
    }

    /**
     * Sends a job. Blocks until it is handed to the operating system.
     *
     * @param job the encoded {@link Wire.Job}
     * @throws IOException if it could not be sent: the worker has ended, and the job never reached it
     */
    void send(byte[] job) throws IOException {
        child.connection().sendBytes(job);
    }

    /**
     * Receives the outcome of the oldest job sent whose outcome has not come. Blocks without a timeout until it
     * comes or the worker ends. The worker announces each job as it starts it ({@link Wire#STARTED}); whether it
     * has started this one is {@link #started()}.
     *
     * @param task what the job is, for the exception
     * @return the outcome; one failed with an {@link IOException} if it cannot be decoded in this JVM
     * @throws WorkerDiedException if the worker ended first; the exception names its pid and exit code
     */
    Wire.Outcome receive(String task) {
        byte[] message;
        try {
            do {
                message = child.connection().recvBytes();
                started |= message.length == 0;
            } while (message.length == 0);
        } catch (IOException e) {
            WorkerDiedException died = new WorkerDiedException(pid(), awaitExitCode(), task);
            died.initCause(e);
            throw died;
        }
        started = false;
        try {
            return Wire.Outcome.decode(message);
        } catch (IOException undecodable) {
            // The worker is fine; the outcome holds something this JVM cannot rebuild (a class it lacks).
            return new Wire.Outcome(
                    0,
                    null,
                    new IOException(
                            "the outcome of " + task + " from " + this + " cannot be decoded in this JVM: "
                                    + undecodable.getMessage(),
                            undecodable));
        }
    }

    /** {@return the exit code, once the worker has ended; -1 if it is still running after a second} */
    private int awaitExitCode() {
        Process process = child.process().process();
        try {
            if (process.waitFor(EXIT_CODE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** Sends SIGTERM and returns at once. */
    void terminate() {
        child.process().process().destroy();
    }

    /** Sends SIGKILL and returns at once. */
    void kill() {
        child.process().kill();
    }

    /**
     * Closes the connection, which makes the worker exit, and waits for it; kills it if it is still alive after a
     * second (a worker halts as soon as its connection ends, whatever its task does).
     */
    @Override
    public void close() {
        child.connection().close();
        try {
            child.process().process().waitFor(EXIT_CODE_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        child.close();
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
