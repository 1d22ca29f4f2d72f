package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.process.JavaProcess;
import dev.interproc.process.StartHandshake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link SharedQueue} between C programs ({@code native/test/interop/queue_peer.c}, on libinterproc's
 * {@code ip_queue_*}) and Java processes ({@link QueueChild}): a C producer into a Java consumer, a Java producer
 * into a C consumer, and producers and consumers of both languages at once. Both speak QueueChild's checked
 * messages of random sizes (so that records wrap round the ring many times): every consumer checks each message's
 * checksum, and the journals show every message arriving exactly once, each consumer seeing each producer's
 * messages in order. And a C producer or consumer killed inside its lock: Java takes the lock over, and nothing
 * is published or lost.
 */
class QueueInteropTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int MESSAGES = 20_000;
    /** Kills of each death test: each starts a C program. */
    private static final int DEATH_ROUNDS = 5;

    @RegisterExtension
    final TestRegion region = new TestRegion("cqueue");

    @TempDir
    Path journals;

    @Test
    @Timeout(300)
    void aCProducerFeedsAJavaConsumer() throws Exception {
        SharedQueue queue = queue(); // created by Java, opened by C
        Path journal = journals.resolve("java-consumer");
        try (CPeer producer = CPeer.start(region.name(), "produce", "0", Integer.toString(MESSAGES));
                JavaProcess consumer = javaChild("consume", journal.toString())) {
            run(List.of(producer), List.of(consumer), List.of(), queue, 1);
        }
        QueueChild.checkJournals(List.of(journal), 1, MESSAGES);
    }

    @Test
    @Timeout(300)
    void aJavaProducerFeedsACConsumer() throws Exception {
        Path journal = journals.resolve("c-consumer");
        try (CPeer consumer = CPeer.start(region.name(), "consume", journal.toString())) {
            consumer.awaitReady(); // the C program created the queue, Java opens it
            SharedQueue queue = queue();
            try (JavaProcess producer = javaChild("produce", "0", Integer.toString(MESSAGES))) {
                run(List.of(consumer), List.of(), List.of(producer), queue, 1);
            }
        }
        QueueChild.checkJournals(List.of(journal), 1, MESSAGES);
    }

    /** Two C and two Java producers, one C and one Java consumer. */
    @Test
    @Timeout(600)
    void producersAndConsumersOfBothLanguagesAtOnce() throws Exception {
        SharedQueue queue = queue();
        Path cJournal = journals.resolve("c-consumer");
        Path javaJournal = journals.resolve("java-consumer");
        String count = Integer.toString(MESSAGES);
        try (CPeer cProducer0 = CPeer.start(region.name(), "produce", "0", count);
                CPeer cProducer1 = CPeer.start(region.name(), "produce", "1", count);
                CPeer cConsumer = CPeer.start(region.name(), "consume", cJournal.toString());
                JavaProcess javaProducer2 = javaChild("produce", "2", count);
                JavaProcess javaProducer3 = javaChild("produce", "3", count);
                JavaProcess javaConsumer = javaChild("consume", javaJournal.toString())) {
            run(
                    List.of(cProducer0, cProducer1, cConsumer),
                    List.of(javaConsumer),
                    List.of(javaProducer2, javaProducer3),
                    queue,
                    4);
        }
        QueueChild.checkJournals(List.of(cJournal, javaJournal), 4, MESSAGES);
    }

    /**
     * A C producer is killed inside a put, its message written but not published (the test hook holds it there):
     * Java sees the dead C process as the producers' lock owner, no Java consumer sees the message, and the next
     * Java producer takes the lock over and the queue flows again.
     */
    @Test
    @Timeout(300)
    void aCProducerKilledInsideAPutPublishesNothingAndJavaFlowsOn() throws Exception {
        SharedQueue queue = queue();
        for (int round = 0; round < DEATH_ROUNDS; round++) {
            byte[] before = SharedQueueTest.message(round, 100);
            assertTrue(queue.offer(before));
            try (CPeer producer = CPeer.start(region.name(), "put-doomed")) {
                producer.awaitReady();
                producer.go();
                producer.awaitLine("interproc-debug: pausing inside a queue put");
                producer.kill();
                String state = queueState();
                assertTrue(
                        state.contains("producers' lock owner dead (pid " + producer.pid()
                                + "): its unpublished message will be written over"),
                        state);
                byte[] after = SharedQueueTest.message(round + 1000, 50);
                assertTrue(queue.offer(after, PATIENCE), "the queue never flowed again");
                assertArrayEquals(before, queue.poll());
                assertArrayEquals(after, queue.poll(), "the dead C producer's message was published");
                assertNull(queue.poll());
            }
        }
    }

    /**
     * A C consumer is killed inside a take, the message copied but its space not freed: a Java consumer takes the
     * lock over and gets that same message, then the next.
     */
    @Test
    @Timeout(300)
    void aCConsumerKilledInsideATakeLeavesItsMessageToJava() throws Exception {
        SharedQueue queue = queue();
        for (int round = 0; round < DEATH_ROUNDS; round++) {
            byte[] first = SharedQueueTest.message(round, QueueChild.MAX_MESSAGE);
            byte[] second = SharedQueueTest.message(round + 1000, 7);
            queue.put(first);
            queue.put(second);
            try (CPeer consumer = CPeer.start(region.name(), "take-doomed")) {
                consumer.awaitReady();
                consumer.go();
                consumer.awaitLine("interproc-debug: pausing inside a queue take");
                consumer.kill();
                String state = queueState();
                assertTrue(state.contains("the message it was reading stays in the queue"), state);
                assertArrayEquals(first, queue.poll(PATIENCE), "the dead C consumer's message is the next one");
                assertArrayEquals(second, queue.poll());
                assertNull(queue.poll());
            }
        }
    }

    /** The queue's state as {@code interproc show} describes it. */
    private String queueState() {
        return QueueChild.describe(region.name(), "q");
    }

    private SharedQueue queue() {
        return region.memory().sharedQueue("q", QueueChild.CAPACITY, QueueChild.MAX_MESSAGE);
    }

    private JavaProcess javaChild(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, region.name(), "q"));
        all.addAll(List.of(args));
        return JavaProcess.builder(QueueChild.class)
                .jvmOptions("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData")
                .args(all.toArray(String[]::new))
                .start();
    }

    /**
     * Starts every peer together, waits for the producers (the C peers that produce, and {@code javaProducers}),
     * puts one empty message per consumer (the C peers that consume, and {@code javaConsumers}) to stop it, then
     * waits for the consumers; prints the rate.
     */
    private static void run(
            List<CPeer> cPeers,
            List<JavaProcess> javaConsumers,
            List<JavaProcess> javaProducers,
            SharedQueue queue,
            int producers)
            throws Exception {
        List<JavaProcess> java = new ArrayList<>(javaConsumers);
        java.addAll(javaProducers);
        for (CPeer peer : cPeers) {
            peer.awaitReady();
        }
        for (JavaProcess child : java) {
            StartHandshake.awaitReady(child, PATIENCE);
        }
        long start = System.nanoTime();
        cPeers.forEach(CPeer::go);
        java.forEach(StartHandshake::go);
        for (CPeer peer : cPeers) {
            if (peer.producer) {
                peer.awaitDone();
            }
        }
        for (JavaProcess producer : javaProducers) {
            assertEquals(0, producer.waitFor(PATIENCE), producer.transcript());
        }
        long consumers = javaConsumers.size()
                + cPeers.stream().filter(peer -> !peer.producer).count();
        for (long i = 0; i < consumers; i++) {
            queue.put(new byte[0]);
        }
        for (CPeer peer : cPeers) {
            if (!peer.producer) {
                peer.awaitDone();
            }
        }
        for (JavaProcess consumer : javaConsumers) {
            assertEquals(0, consumer.waitFor(PATIENCE), consumer.transcript());
        }
        long nanos = System.nanoTime() - start;
        System.out.printf(
                "queue, C and Java: %d producers (%d C), %d consumers (%d C): %d messages of 16..%d bytes in %d ms"
                        + " (%.0f messages/s)%n",
                producers,
                cPeers.stream().filter(peer -> peer.producer).count(),
                consumers,
                consumers - javaConsumers.size(),
                (long) producers * MESSAGES,
                QueueChild.MAX_MESSAGE,
                TimeUnit.NANOSECONDS.toMillis(nanos),
                (double) producers * MESSAGES * 1e9 / nanos);
        assertTrue(queue.isEmpty());
    }

    /**
     * A running {@code queue_peer}, its standard error merged into its output: READY, then GO on its standard
     * input, then "DONE n" and exit status 0.
     */
    private static final class CPeer implements AutoCloseable {
        final boolean producer;
        private final Process process;
        private final BufferedReader output;
        private final OutputStream input;
        private final List<String> said = new ArrayList<>();
        private boolean ready;

        private CPeer(boolean producer, Process process) {
            this.producer = producer;
            this.process = process;
            this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.input = process.getOutputStream();
        }

        static CPeer start(String region, String command, String... args) throws IOException {
            Path program = Path.of(System.getProperty("interproc.native.build.dir"), "queue_peer");
            assertTrue(Files.isExecutable(program), "the C test program is missing: " + program);
            List<String> line = new ArrayList<>(List.of(
                    program.toString(),
                    command,
                    region,
                    "q",
                    Long.toString(QueueChild.CAPACITY),
                    Integer.toString(QueueChild.MAX_MESSAGE)));
            line.addAll(List.of(args));
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            return new CPeer(command.equals("produce"), process);
        }

        long pid() {
            return process.pid();
        }

        /** Reads lines until one equals {@code expected}, failing at the end of the output. */
        void awaitLine(String expected) throws IOException {
            for (String line = readLine(); !expected.equals(line); line = readLine()) {
                assertTrue(line != null, () -> "queue_peer never said " + expected + "; " + transcript());
            }
        }

        void awaitReady() throws IOException {
            if (!ready) {
                assertEquals(StartHandshake.READY, readLine(), this::transcript);
                ready = true;
            }
        }

        void go() {
            try {
                input.write((StartHandshake.GO + "\n").getBytes(StandardCharsets.UTF_8));
                input.flush();
            } catch (IOException e) {
                throw new AssertionError("queue_peer is gone; " + transcript(), e);
            }
        }

        void awaitDone() throws IOException, InterruptedException {
            String done = readLine();
            assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "queue_peer did not end");
            assertEquals(0, process.exitValue(), this::transcript);
            assertTrue(done != null && done.startsWith("DONE "), this::transcript);
        }

        /** Kills it with SIGKILL and waits until it is gone. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "queue_peer did not die");
        }

        private String readLine() throws IOException {
            String line = output.readLine();
            if (line != null) {
                said.add(line);
            }
            return line;
        }

        private String transcript() {
            return "queue_peer said " + said;
        }

        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            input.close();
            output.close();
        }
    }
}
