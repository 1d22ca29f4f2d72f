/**
 * Typed state shared between JVM processes on one Linux host: {@link dev.interproc.SharedMemory}
 * regions holding atomic values, arrays and enums, accessed through VarHandles on the mapped memory.
 */
package dev.interproc;
