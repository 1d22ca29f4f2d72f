/**
 * Managers: a server that holds shared objects and the protocol of Python's {@code multiprocessing.managers},
 * so that Python's stock manager clients use objects held by a JVM. See {@code docs/manager.md}.
 */
package dev.interproc.manager;
