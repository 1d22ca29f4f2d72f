package dev.interproc;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.interproc.codec.JavaSerializationCodec;
import dev.interproc.process.StartHandshake;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

/**
 * The child JVM of the cross-process queue tests. {@code main(command, region, ...)} opens the region's queue,
 * prints READY, waits for GO on standard input and runs the command.
 *
 * <p>A checked message is {@code [int producer][int sequence][long CRC32 of the rest][random bytes]}; the empty
 * message tells a consumer to stop.
 */
public final class QueueChild {

    /**
     * The queue of the tests: by default 64 KiB of ring, messages up to 2 KiB; the system properties
     * {@code interproc.test.queue.capacity} and {@code interproc.test.queue.maxMessage} change it (the full scale of
     * docs/testing.md), in the test JVM and, passed on by it, in every child.
     */
    static final long CAPACITY = Long.getLong(QueueScale.CAPACITY, 1 << 16);

    static final int MAX_MESSAGE = Integer.getInteger(QueueScale.MAX_MESSAGE, 2048);
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
                case "consume-acting" ->
                    consumeActing(queue, memory.sharedLong(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 0);
                case "drain-stuck" -> drainStuck(queue, Integer.parseInt(args[3]));
                case "put-doomed" -> {
                    System.out.println("PUTTING");
                    byte[] doomed = new byte[MAX_MESSAGE];
                    Arrays.fill(doomed, DOOMED);
                    queue.put(doomed);
                    System.out.println("PUT"); // only if the pause ended before the kill
                }
                case "claim-doomed" -> {
                    QueueClaim claim = queue.claim(MAX_MESSAGE);
                    claim.segment().fill(DOOMED);
                    System.out.println("CLAIMED");
                    Thread.currentThread().join(); // until killed: the claim is never committed
                }
                case "typed-put" -> {
                    TypedQueue<String> strings = queue.typed(String.class, JavaSerializationCodec.standard());
                    for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                        strings.put("message " + i);
                    }
                    System.out.println("DONE");
                }
                case "joinable-take" -> {
                    JoinableQueue<String> tasks = joinable(memory);
                    int taken = Integer.parseInt(args[3]);
                    for (int i = 0; i < taken; i++) {
                        tasks.take();
                    }
                    tasks.taskDone();
                    System.out.println("TOOK " + taken + ", DONE 1");
                    Thread.currentThread().join(); // until killed, the other tasks unfinished
                }
                case "take-doomed" -> {
                    System.out.println("TAKING");
                    System.out.println("TOOK " + queue.take().length);
                }
                case "virtual-takers" -> virtualTakers(memory, queue, Integer.parseInt(args[3]));
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
        }
    }

    /** The joinable queue "j" of the tests, of Strings. */
    static JoinableQueue<String> joinable(SharedMemory memory) {
        return memory.joinableQueue("j", CAPACITY, MAX_MESSAGE, String.class, JavaSerializationCodec.standard());
    }

    /** Sends {@code count} checked messages of random sizes, sequence 0 .. count - 1. */
    private static void produce(SharedQueue queue, int producer, int count) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(producer * 7919L);
        for (int sequence = 0; sequence < count; sequence++) {
            byte[] message = new byte[HEADER + random.nextInt(MAX_MESSAGE - HEADER + 1)];
            random.nextBytes(message);
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

    /**
     * Reads the parent's checked messages (producer 0, sequence 0, 1, ...) in place until killed, and acts on each
     * inside the handler, before its space is freed: stores its sequence in {@code acted}. A message out of order
     * or torn ends the child with status 1 (the parent then finds it dead before its kill). With a {@code batch} of
     * 1 or more it reads batches of up to that many ({@link SharedQueue#drain}), else one message at a time.
     */
    private static void consumeActing(SharedQueue queue, SharedLong acted, int batch) throws InterruptedException {
        SharedQueue.MessageHandler act = message -> {
            byte[] bytes = message.toArray(JAVA_BYTE);
            ByteBuffer header = ByteBuffer.wrap(bytes);
            int sequence = bytes.length >= HEADER ? header.getInt(4) : -1;
            if (sequence != acted.get() + 1 || header.getLong(8) != checksum(bytes)) {
                System.out.println(
                        "BAD message " + sequence + " after " + acted.get() + ", " + bytes.length + " bytes");
                Runtime.getRuntime().halt(1);
            }
            acted.set(sequence);
        };
        while (true) {
            if (batch > 0) {
                queue.drain(act, batch, Duration.ofHours(1));
            } else {
                queue.read(act, Duration.ofHours(1));
            }
        }
    }

    /**
     * Drains checked messages in one batch, checking each and printing "HANDLED sequence", and stays inside the
     * handler of the message after the first {@code handled} ones ("STUCK sequence") until killed: a consumer that
     * dies in the middle of a batch.
     */
    private static void drainStuck(SharedQueue queue, int handled) throws InterruptedException {
        int[] count = {0};
        queue.drain(
                message -> {
                    byte[] bytes = message.toArray(JAVA_BYTE);
                    ByteBuffer header = ByteBuffer.wrap(bytes);
                    if (bytes.length < HEADER || header.getLong(8) != checksum(bytes)) {
                        System.out.println("BAD message of " + bytes.length + " bytes");
                        Runtime.getRuntime().halt(1);
                    }
                    if (count[0]++ == handled) {
                        System.out.println("STUCK " + header.getInt(4));
                        while (true) {
                            LockSupport.park(); // until killed, inside the batch
                        }
                    }
                    System.out.println("HANDLED " + header.getInt(4));
                },
                Integer.MAX_VALUE,
                Duration.ofHours(1));
        System.out.println("DRAINED"); // only if the park ended before the kill
    }

    /**
     * Blocks {@code takers} virtual threads in {@code take}, then runs as many other virtual threads to their end
     * and prints how long they took ("OTHERS ms"), then "BLOCKED"; after the parent has put one message per taker,
     * prints "DONE" once every taker has returned one.
     */
    private static void virtualTakers(SharedMemory memory, SharedQueue queue, int takers) throws Exception {
        String region = memory.region().name();
        CountDownLatch taken = new CountDownLatch(takers);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < takers; i++) {
                threads.submit(() -> {
                    queue.take();
                    taken.countDown();
                    return null;
                });
            }
            String allWaiting = "0 producers and " + takers + " consumers waiting";
            while (!SharedMemory.inspect(region).slots().stream()
                    .anyMatch(slot -> slot.value().contains(allWaiting))) {
                Thread.onSpinWait();
            }
            long start = System.nanoTime();
            List<Future<Long>> others = new ArrayList<>();
            for (int i = 0; i < takers; i++) {
                long seed = i;
                others.add(threads.submit(
                        () -> new SplittableRandom(seed).longs(1000).sum()));
            }
            for (Future<Long> other : others) {
                other.get();
            }
            System.out.println("OTHERS " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            System.out.println("BLOCKED");
            taken.await();
            System.out.println("DONE");
        }
    }

    /**
     * Reads consumers' journals (the producer and sequence of each message taken, as {@code consume} writes them)
     * and checks that producers 0 .. {@code producers - 1} each had all of their {@code perProducer} messages taken
     * exactly once, and that each consumer took each producer's messages in the order they were sent.
     *
     * @throws AssertionError naming the first message lost, duplicated or out of order
     */
    static void checkJournals(List<Path> journals, int producers, int perProducer) throws IOException {
        int[] sent = new int[producers];
        Arrays.fill(sent, perProducer);
        checkJournals(journals, sent);
    }

    /**
     * Checks the journals of consumers against what each producer sent, {@code sent[p]} messages of producer
     * {@code p}: every message exactly once, each producer's in its order within each journal.
     */
    static void checkJournals(List<Path> journals, int[] sent) throws IOException {
        int producers = sent.length;
        List<BitSet> received = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            received.add(new BitSet(sent[p]));
        }
        for (Path path : journals) {
            int[] last = new int[producers];
            Arrays.fill(last, -1);
            try (DataInputStream journal = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
                while (true) {
                    int producer;
                    try {
                        producer = journal.readInt();
                    } catch (EOFException end) {
                        break;
                    }
                    int sequence = journal.readInt();
                    if (producer < 0 || producer >= producers || sequence < 0 || sequence >= sent[producer]) {
                        throw new AssertionError(path + ": no producer " + producer + " sent a message " + sequence);
                    }
                    if (sequence <= last[producer]) {
                        throw new AssertionError(path + ": producer " + producer + "'s " + sequence + " came after its "
                                + last[producer]);
                    }
                    last[producer] = sequence;
                    if (received.get(producer).get(sequence)) {
                        throw new AssertionError("producer " + producer + "'s message " + sequence + " arrived twice");
                    }
                    received.get(producer).set(sequence);
                }
            }
        }
        for (int p = 0; p < producers; p++) {
            if (received.get(p).cardinality() != sent[p]) {
                throw new AssertionError((sent[p] - received.get(p).cardinality()) + " messages of producer " + p
                        + " lost (first: " + received.get(p).nextClearBit(0) + ")");
            }
        }
    }

    /** The state of the slot called {@code slot} of {@code region} as {@code interproc show} describes it. */
    static String describe(String region, String slot) {
        return SharedMemory.inspect(region).slots().stream()
                .filter(info -> info.name().equals(slot))
                .findFirst()
                .orElseThrow()
                .value();
    }

    /** CRC32 of a checked message's header fields and random bytes, the checksum field excluded. */
    static long checksum(byte[] message) {
        CRC32 crc = new CRC32();
        crc.update(message, 0, 8);
        crc.update(message, HEADER, message.length - HEADER);
        return crc.getValue();
    }
}
