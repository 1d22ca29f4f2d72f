/**
 * The worker example, run by {@code interproc demo}: a worker process runs one calculation at a time while
 * several HTTP API processes share its state (a {@link dev.interproc.SharedEnum} status and a
 * {@link dev.interproc.SharedLong} job id under one {@link dev.interproc.SharedRLock}) and a scheduler
 * submits jobs to them. docs/cli.md describes its design and the invariants the demo checks.
 */
package dev.interproc.example.worker;
