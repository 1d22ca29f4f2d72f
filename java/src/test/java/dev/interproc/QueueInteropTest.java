package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * messages in order.
 */
class QueueInteropTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int MESSAGES = 20_000;

    @RegisterExtension
    final TestRegion region = new TestRegion("cqueue");

    @TempDir
    Path journals;

    @Test
    @Timeout(300)
    void aCProducerFeedsAJavaConsumer() throws Exception {
        SharedQueue queue = queue(); // created by Java, opened by C
        Path journal = journals.resolve("java-consumer");
        try (CPeer producer = CPeer.start(region.name(), journals, "produce", "0", Integer.toString(MESSAGES));
                JavaProcess consumer = javaChild("consume", journal.toString())) {
            run(List.of(producer), List.of(consumer), List.of(), queue, 1);
        }
        QueueChild.checkJournals(List.of(journal), 1, MESSAGES);
    }

    @Test
    @Timeout(300)
    void aJavaProducerFeedsACConsumer() throws Exception {
        Path journal = journals.resolve("c-consumer");
        try (CPeer consumer = CPeer.start(region.name(), journals, "consume", journal.toString())) {
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
        try (CPeer cProducer0 = CPeer.start(region.name(), journals, "produce", "0", count);
                CPeer cProducer1 = CPeer.start(region.name(), journals, "produce", "1", count);
                CPeer cConsumer = CPeer.start(region.name(), journals, "consume", cJournal.toString());
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

    /** A running {@code queue_peer}: READY, then GO on its standard input, then "DONE n" and exit status 0. */
    private static final class CPeer implements AutoCloseable {
        final boolean producer;
        private final Process process;
        private final BufferedReader output;
        private final OutputStream input;
        private final Path errors;
        private boolean ready;

        private CPeer(boolean producer, Process process, Path errors) {
            this.producer = producer;
            this.process = process;
            this.output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.input = process.getOutputStream();
            this.errors = errors;
        }

        static CPeer start(String region, Path directory, String command, String... args) throws IOException {
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
            Path errors = Files.createTempFile(directory, "queue_peer-", ".err");
            Process process = new ProcessBuilder(line)
                    .redirectError(ProcessBuilder.Redirect.to(errors.toFile()))
                    .start();
            return new CPeer(command.equals("produce"), process, errors);
        }

        void awaitReady() throws IOException {
            if (!ready) {
                assertEquals(StartHandshake.READY, output.readLine(), this::transcript);
                ready = true;
            }
        }

        void go() {
            try {
                input.write((StartHandshake.GO + "\n").getBytes(StandardCharsets.UTF_8));
                input.flush();
            } catch (IOException e) {
                throw new AssertionError("queue_peer is gone: " + transcript(), e);
            }
        }

        void awaitDone() throws IOException, InterruptedException {
            String done = output.readLine();
            assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "queue_peer did not end");
            assertEquals(0, process.exitValue(), this::transcript);
            assertTrue(done != null && done.startsWith("DONE "), "queue_peer said " + done + "; " + transcript());
        }

        private String transcript() {
            try {
                return "queue_peer standard error: " + Files.readString(errors);
            } catch (IOException e) {
                return "queue_peer standard error unreadable: " + e;
            }
        }

        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            input.close();
            output.close();
        }
    }
}
