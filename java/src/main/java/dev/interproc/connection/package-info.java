/**
 * Message connections wire-compatible with Python's {@code multiprocessing.connection}: {@link
 * dev.interproc.connection.Pipe}, {@link dev.interproc.connection.Listener} and {@link
 * dev.interproc.connection.Client} make {@link dev.interproc.connection.Connection}s that exchange length-prefixed
 * messages with other JVMs or with CPython 3.11 to 3.13, authenticated with Python's HMAC challenge-response
 * handshake, carrying raw bytes or objects through a {@link dev.interproc.codec.Codec} (pickle, Java
 * serialization behind an allow-list, or plain bytes). The wire format, limits and deviations from Python are in
 * {@code docs/connection.md}. Pure Java: nothing here needs the native library.
 */
package dev.interproc.connection;
