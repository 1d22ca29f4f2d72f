package dev.interproc.example.worker;

import dev.interproc.SharedCondition;
import dev.interproc.SharedEnum;
import dev.interproc.SharedInt;
import dev.interproc.SharedLong;
import dev.interproc.SharedLongArray;
import dev.interproc.SharedMemory;
import dev.interproc.SharedMutex;
import dev.interproc.SharedRLock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The worker's state shared by the worker, the API processes and the demo, like Python's
 * {@code WorkerState}: a status and the current job id, changed together under one {@link SharedRLock};
 * a condition that tells the worker a job was submitted; and a job log the demo checks at the end.
 *
 * <h2>Slots</h2>
 * <pre>
 *  worker/lock                 SharedRLock   guards everything below
 *  worker/lock/job-submitted   condition     signalled when a job is submitted or shutdown requested
 *  worker/status               SharedEnum&lt;WorkerStatus&gt;
 *  worker/job                  SharedLong    id of the current (or last) job; ids are 1, 2, 3, ...
 *  worker/repairs              SharedInt     how many times a process repaired the state after an owner died
 *  jobs/log                    SharedLongArray, one row of {@value #ROW} longs per job id:
 *                              accepted, started, ended (System.nanoTime, one clock for the host), runs
 * </pre>
 *
 * <h2>Owner death</h2>
 * If a process dies holding the lock, the next process to acquire it runs {@link #repair}: a job whose id
 * was published but whose status never became CALCULATING (the submitter died between the two writes) is
 * rolled back, and a pending job is signalled again in case the submitter died before signalling.
 */
public final class WorkerState {

    /** Longs per job in the job log. */
    public static final int ROW = 4;

    private static final int ACCEPTED = 0;
    private static final int STARTED = 1;
    private static final int ENDED = 2;
    private static final int RUNS = 3;
    private static final Duration WAIT_SLICE = Duration.ofMillis(200);

    /** The status and job id, read together under the lock. */
    public record Snapshot(WorkerStatus status, long job) {

        /** The JSON body the API processes answer with. */
        public String toJson() {
            return "{\"status\": \"" + status + "\", \"job\": " + job + "}";
        }
    }

    /** One job's row of the job log: nanoTime stamps (0 when not reached) and how many times it ran. */
    public record JobRecord(long job, long accepted, long started, long ended, long runs) {}

    private final SharedRLock lock;
    private final SharedCondition jobSubmitted;
    private final SharedEnum<WorkerStatus> status;
    private final SharedLong job;
    private final SharedInt repairs;
    private final SharedLongArray log;
    private final int capacity;
    private final Consumer<String> events;

    /**
     * Opens (or creates) the worker's slots in {@code memory}.
     *
     * @param capacity how many job ids the log holds; every process must pass the same number
     * @param events where this process reports repairs (one line each)
     */
    public WorkerState(SharedMemory memory, int capacity, Consumer<String> events) {
        this.events = events;
        this.capacity = capacity;
        this.lock = memory.sharedRLock("worker/lock", this::repair);
        this.jobSubmitted = lock.newCondition("job-submitted");
        this.status = memory.sharedEnum("worker/status", WorkerStatus.class, WorkerStatus.UNAVAILABLE, lock);
        this.job = memory.sharedLong("worker/job", 0, lock);
        this.repairs = memory.sharedInt("worker/repairs", 0, lock);
        this.log = memory.sharedLongArray("jobs/log", capacity * ROW, lock);
    }

    /** The status and job id, read together. */
    public Snapshot snapshot() {
        try (SharedMutex.Held _ = lock.acquire()) {
            return new Snapshot(status.get(), job.get());
        }
    }

    /** The outcome of {@link #submit}: whether the job was accepted, and the status and job id afterwards. */
    public record Submission(boolean accepted, Snapshot snapshot) {}

    /**
     * Submits the next job if the worker is IDLE, atomically: checks the status, publishes the new job id and
     * sets CALCULATING under the lock, then wakes the worker. Refused when the worker is not IDLE, or when the
     * job log is full.
     *
     * @param midway runs for an accepted job while the lock is held, between publishing its id and setting
     *     the status: the demo's fault injection pauses there; pass {@code () -> { }} otherwise
     */
    public Submission submit(Runnable midway) {
        try (SharedMutex.Held _ = lock.acquire()) {
            long id = job.get() + 1;
            if (status.get() != WorkerStatus.IDLE || id > capacity) {
                return new Submission(false, new Snapshot(status.get(), job.get()));
            }
            log.set(row(id) + ACCEPTED, System.nanoTime());
            job.set(id);
            midway.run();
            status.set(WorkerStatus.CALCULATING);
            jobSubmitted.signalAll();
            return new Submission(true, new Snapshot(WorkerStatus.CALCULATING, id));
        }
    }

    /** Asks the worker to exit after the current job: IDLE or CALCULATING become SHUTTING_DOWN. */
    public Snapshot requestShutdown() {
        try (SharedMutex.Held _ = lock.acquire()) {
            WorkerStatus current = status.get();
            if (current == WorkerStatus.IDLE || current == WorkerStatus.CALCULATING) {
                status.set(WorkerStatus.SHUTTING_DOWN);
                jobSubmitted.signalAll();
            }
            return new Snapshot(status.get(), job.get());
        }
    }

    /** Worker: UNAVAILABLE to IDLE, ready for jobs. */
    public void markAvailable() {
        try (SharedMutex.Held _ = lock.acquire()) {
            status.set(WorkerStatus.IDLE);
            jobSubmitted.signalAll();
        }
    }

    /** Worker: to UNAVAILABLE, as it exits. */
    public void markUnavailable() {
        try (SharedMutex.Held _ = lock.acquire()) {
            status.set(WorkerStatus.UNAVAILABLE);
        }
    }

    /**
     * Worker: waits until a job newer than {@code lastJob} was submitted and marks it started, or until a
     * shutdown is requested with no such job.
     *
     * @return the job id to run, or 0 to shut down
     */
    public long awaitJob(long lastJob) throws InterruptedException {
        try (SharedMutex.Held _ = lock.acquire()) {
            while (true) {
                WorkerStatus current = status.get();
                long id = job.get();
                // A job accepted just before a shutdown request is still run: accepted jobs are never dropped.
                if (id > lastJob && (current == WorkerStatus.CALCULATING || current == WorkerStatus.SHUTTING_DOWN)) {
                    log.set(row(id) + STARTED, System.nanoTime());
                    log.getAndAdd(row(id) + RUNS, 1);
                    return id;
                }
                if (current == WorkerStatus.SHUTTING_DOWN) {
                    return 0;
                }
                jobSubmitted.await(WAIT_SLICE);
            }
        }
    }

    /**
     * Worker: records the end of a job and goes back to IDLE, unless a shutdown was requested meanwhile.
     *
     * @return the status afterwards: IDLE, or SHUTTING_DOWN
     */
    public WorkerStatus finish(long id) {
        try (SharedMutex.Held _ = lock.acquire()) {
            log.set(row(id) + ENDED, System.nanoTime());
            if (status.get() == WorkerStatus.CALCULATING) {
                status.set(WorkerStatus.IDLE);
            }
            return status.get();
        }
    }

    /** The job log's row of every id up to the current job id. */
    public JobRecord[] jobLog() {
        try (SharedMutex.Held _ = lock.acquire()) {
            JobRecord[] records = new JobRecord[(int) job.get()];
            for (int i = 0; i < records.length; i++) {
                int row = row(i + 1);
                records[i] = new JobRecord(
                        i + 1,
                        log.get(row + ACCEPTED),
                        log.get(row + STARTED),
                        log.get(row + ENDED),
                        log.get(row + RUNS));
            }
            return records;
        }
    }

    /** How many times a process repaired the state after a lock owner died. */
    public int repairs() {
        return repairs.get();
    }

    private static int row(long id) {
        return (int) (id - 1) * ROW;
    }

    /** Runs holding the lock, in whichever process first acquires it after its owner died. */
    private void repair(SharedMutex deadOwnersLock, long fencingToken) {
        repairs.incrementAndGet();
        WorkerStatus current = status.get();
        long id = job.get();
        if (current == WorkerStatus.IDLE && id > 0 && log.get(row(id) + STARTED) == 0) {
            log.set(row(id) + ACCEPTED, 0);
            job.set(id - 1);
            events.accept("repaired after the lock owner died: rolled back half-submitted job " + id
                    + " (its id was published, its status never set); state IDLE, job " + (id - 1));
        } else if (id > 0
                && (current == WorkerStatus.CALCULATING || current == WorkerStatus.SHUTTING_DOWN)
                && log.get(row(id) + STARTED) == 0) {
            jobSubmitted.signalAll();
            events.accept("repaired after the lock owner died: woke the worker for pending job " + id);
        } else {
            events.accept("checked after the lock owner died: state consistent (" + current + ", job " + id + ")");
        }
    }
}
