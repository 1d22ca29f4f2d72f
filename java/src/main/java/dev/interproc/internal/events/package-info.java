/**
 * What interproc tells operators about the rare events of shared state: {@link System.Logger} records
 * ({@link dev.interproc.internal.events.Events}) and JDK Flight Recorder events (the {@code *Event} classes),
 * documented in docs/observability.md. Nothing here runs on an uncontended path: each call site is a takeover,
 * a death, a break, a refusal or a wait that already missed its lock. The package depends on nothing of
 * interproc's, so that every other package, {@code internal.ffm} included, may report through it.
 */
package dev.interproc.internal.events;
