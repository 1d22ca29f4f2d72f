package dev.interproc;

import dev.interproc.process.StartHandshake;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * The child JVM of the cross-process queue tests. {@code main(command, region, ...)} opens the region's queue,
 * prints READY, waits for GO on standard input and runs the command.
 *
 * <p>A checked message is {@code [int producer][int sequence][long CRC32 of the rest][random bytes]}; the empty
 * message tells a consumer to stop.
 */
public final class QueueChild {

    /** The queue of the tests: 64 KiB of ring, messages up to 2 KiB. */
    static final long CAPACITY = 1 << 16;

    static final int MAX_MESSAGE = 2048;
    /** Bytes of a checked message's header: producer, sequence, checksum. */
    static final int HEADER = 16;
    /** The payload byte of the message a child writes or reads while it is killed. */
    static final byte DOOMED = 0x5A;

    private QueueChild() {}

    public static void main(String[] args) throws Exception {
        String command = args[0];
        try (SharedMemory memory = SharedMemory.open(args[1])) {
            SharedQueue queue = memory.sharedQueue(args[2], CAPACITY, MAX_MESSAGE);
            StartHandshake.signalReady();
            StartHandshake.awaitGo(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            switch (command) {
                case "produce" -> produce(queue, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                case "consume" -> consume(queue, Path.of(args[3]));
                case "put-doomed" -> {
                    System.out.println("PUTTING");
                    byte[] doomed = new byte[MAX_MESSAGE];
                    Arrays.fill(doomed, DOOMED);
                    queue.put(doomed);
                    System.out.println("PUT"); // only if the pause ended before the kill
                }
                case "take-doomed" -> {
                    System.out.println("TAKING");
                    System.out.println("TOOK " + queue.take().length);
                }
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
        }
    }

    /** Sends {@code count} checked messages of random sizes, sequence 0 .. count - 1. */
    private static void produce(SharedQueue queue, int producer, int count) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(producer * 7919L);
        for (int sequence = 0; sequence < count; sequence++) {
            byte[] message = new byte[HEADER + random.nextInt(MAX_MESSAGE - HEADER + 1)];
            for (int i = HEADER; i < message.length; i++) {
                message[i] = (byte) random.nextInt();
            }
            ByteBuffer.wrap(message).putInt(producer).putInt(sequence).putLong(checksum(message));
            queue.put(message);
        }
        System.out.println("DONE " + count);
    }

    /**
     * Takes checked messages until the empty one, failing on a bad checksum, and writes each one's producer and
     * sequence to {@code out}.
     */
    private static void consume(SharedQueue queue, Path out) throws Exception {
        long taken = 0;
        try (DataOutputStream journal = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out)))) {
            for (byte[] message = queue.take(); message.length != 0; message = queue.take()) {
                if (message.length < HEADER) {
                    throw new AssertionError("torn message of " + message.length + " bytes");
                }
                ByteBuffer header = ByteBuffer.wrap(message);
                int producer = header.getInt();
                int sequence = header.getInt();
                if (header.getLong() != checksum(message)) {
                    throw new AssertionError("torn message: producer " + producer + ", sequence " + sequence + ", "
                            + message.length + " bytes");
                }
                journal.writeInt(producer);
                journal.writeInt(sequence);
                taken++;
            }
        }
        System.out.println("DONE " + taken);
    }

    /** CRC32 of a checked message's header fields and random bytes, the checksum field excluded. */
    static long checksum(byte[] message) {
        CRC32 crc = new CRC32();
        crc.update(message, 0, 8);
        crc.update(message, HEADER, message.length - HEADER);
        return crc.getValue();
    }
}
