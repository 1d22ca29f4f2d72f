/**
 * Codecs: objects to byte payloads and back. {@link dev.interproc.codec.PickleCodec} speaks Python's pickle (what
 * {@code multiprocessing} sends), {@link dev.interproc.codec.JavaSerializationCodec} is Java serialization behind an
 * allow-list, {@link dev.interproc.codec.BytesCodec} passes {@code byte[]} through. They depend on nothing else in
 * interproc, so that every carrier of payloads (the connections in {@link dev.interproc.connection}, a
 * shared-memory queue) can use the same codecs without depending on another carrier.
 */
package dev.interproc.codec;
