package dev.interproc.connection;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.zip.CRC32;

/**
 * A stream of messages of random sizes that a receiver can check on its own: each starts with its sequence number
 * and the CRC-32 of the rest, so a lost, reordered, truncated or corrupted message is detected.
 */
final class NumberedMessages {

    static final int COUNT = 10_000;
    /** Sizes cross the 16 KiB single-write threshold and the 64 KiB read buffer. */
    private static final int MAX_SIZE = 80 * 1024;

    private NumberedMessages() {}

    static void send(Connection connection, long seed, int count) throws IOException {
        Random random = new Random(seed);
        for (int sequence = 0; sequence < count; sequence++) {
            int size = 8 + (random.nextInt(8) == 0 ? random.nextInt(MAX_SIZE) : random.nextInt(512));
            byte[] message = new byte[size];
            random.nextBytes(message);
            CRC32 crc = new CRC32();
            crc.update(message, 8, size - 8);
            ByteBuffer.wrap(message).putInt(sequence).putInt((int) crc.getValue());
            connection.sendBytes(message);
        }
    }

    /** Receives {@code count} messages and checks each; throws naming the first bad one. */
    static void receive(Connection connection, int count) throws IOException {
        receive(connection, count, false);
    }

    /** As {@link #receive(Connection, int)}, polling before every message when {@code pollFirst}. */
    static void receive(Connection connection, int count, boolean pollFirst) throws IOException {
        for (int expected = 0; expected < count; expected++) {
            if (pollFirst && !connection.poll(java.time.Duration.ofSeconds(60))) {
                throw new IOException("message " + expected + " did not arrive within 60 s");
            }
            byte[] message = connection.recvBytes();
            if (message.length < 8) {
                throw new IOException("message " + expected + " has only " + message.length + " bytes");
            }
            ByteBuffer header = ByteBuffer.wrap(message);
            int sequence = header.getInt();
            int checksum = header.getInt();
            CRC32 crc = new CRC32();
            crc.update(message, 8, message.length - 8);
            if (sequence != expected || checksum != (int) crc.getValue()) {
                throw new IOException("message " + expected + " arrived as sequence " + sequence + " with "
                        + (checksum == (int) crc.getValue() ? "a good" : "a bad") + " checksum");
            }
        }
    }

    /**
     * A child JVM's half of a two-way stream: sends {@link #COUNT} messages (seed 2) from a second thread while it
     * receives and checks the parent's, then prints "RECEIVED n" on {@code report}. A failed send ends the JVM with
     * status 3, so that the parent learns of it at once instead of at its timeout.
     */
    static void streamFromChild(Connection connection, PrintStream report) throws IOException, InterruptedException {
        Thread sender = Thread.ofPlatform().start(() -> {
            try {
                send(connection, 2, COUNT);
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
                System.exit(3);
            }
        });
        receive(connection, COUNT);
        sender.join();
        report.println("RECEIVED " + COUNT);
    }

    /** Sends {@link #COUNT} messages on a new thread; the task fails with the sender's exception. */
    static Future<Void> sendInBackground(Connection connection, long seed) {
        return InBackground.supply(() -> {
            send(connection, seed, COUNT);
            return null;
        });
    }

    /** Receives and checks {@link #COUNT} messages on a new thread; the task fails naming the first bad one. */
    static Future<Void> receiveInBackground(Connection connection) {
        return InBackground.supply(() -> {
            receive(connection, COUNT);
            return null;
        });
    }
}
