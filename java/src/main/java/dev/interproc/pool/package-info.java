/**
 * Tasks in child JVMs, the second half of Python's {@code multiprocessing}: {@link dev.interproc.pool.ChildTask}
 * (Python's {@code Process}) runs one task in a new JVM; {@link dev.interproc.pool.Pool} keeps worker JVMs and
 * runs tasks on them, Python's {@code Pool} and a {@link java.util.concurrent.ExecutorService}. Tasks are
 * serializable lambdas, method references or classes ({@link dev.interproc.pool.SerializableCallable} and its
 * kin). A worker that dies fails only the task it was running ({@link dev.interproc.pool.WorkerDiedException})
 * and is replaced; a worker never outlives its parent. See {@code docs/pool.md}.
 */
package dev.interproc.pool;
