package dev.interproc.example.worker;

import dev.interproc.CodedEnum;

/** The worker's state, stored in shared memory by stable codes so that releases can add states safely. */
public enum WorkerStatus implements CodedEnum {
    /** The worker process is not running (not started yet, or exited). */
    UNAVAILABLE(0),
    /** The worker waits for a job; an API process may submit one. */
    IDLE(1),
    /** The worker runs the current job; submissions are refused. */
    CALCULATING(2),
    /** The worker finishes the current job, if any, then exits; submissions are refused. */
    SHUTTING_DOWN(3);

    private final int code;

    WorkerStatus(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }
}
