package dev.interproc.testing;

import dev.interproc.codec.JavaSerializationCodec;
import dev.interproc.codec.PickleCodec;
import dev.interproc.connection.Address;
import dev.interproc.connection.Connection;
import dev.interproc.connection.Listener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener JVM of the hostile-load test and benchmark ({@link HostilePeers} attack it): {@code SOCKET_FILE KEY} ({@code -} for none) listens and
 * serves every connection on a virtual thread, as a server would: a message starting with "ping" is echoed, a pickle
 * is decoded with {@link PickleCodec}, a Java serialization stream with {@link JavaSerializationCodec} (which the
 * connection refuses to use unless authenticated), anything else is echoed. It prints "READY", then "FATAL ..." for
 * any {@link VirtualMachineError} and "UNCAUGHT ..." for anything a thread does not catch; for each line "stats" on
 * its standard input it prints "STATS decodes N refused N slowest-decode-ms N cpu-ms N" (the JVM's CPU time so far).
 */
public final class HostileListener {

    /** What the listener prints when it fails under attack: none of these may appear in its transcript. */
    public static final List<String> FAILURE_MARKS =
            List.of("OutOfMemoryError", "StackOverflowError", "FATAL", "UNCAUGHT");

    private static final AtomicInteger DECODES = new AtomicInteger();
    private static final AtomicInteger REFUSED = new AtomicInteger();
    private static final AtomicLong SLOWEST_DECODE_NANOS = new AtomicLong();

    private HostileListener() {}

    public static void main(String[] args) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            System.out.println("UNCAUGHT in " + thread + ": " + e);
            e.printStackTrace();
        });
        byte[] key = args[1].equals("-") ? null : args[1].getBytes(StandardCharsets.US_ASCII);
        try (Listener listener = Listener.builder(new Address.Unix(Path.of(args[0])))
                .backlog(128)
                .authkey(key)
                .handshakeTimeout(Duration.ofSeconds(2))
                .partialMessageBudget(64L << 20)
                .bind()) {
            Thread.ofPlatform().daemon().start(() -> serve(listener));
            System.out.println("READY");
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while ("stats".equals(commands.readLine())) {
                System.out.println("STATS decodes " + DECODES.get() + " refused " + REFUSED.get()
                        + " slowest-decode-ms " + SLOWEST_DECODE_NANOS.get() / 1_000_000 + " cpu-ms "
                        + ProcessHandle.current()
                                .info()
                                .totalCpuDuration()
                                .orElseThrow()
                                .toMillis());
            }
        }
    }

    private static void serve(Listener listener) {
        while (true) {
            Connection connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                if (e.getMessage().equals("listener is closed")) {
                    return;
                }
                continue; // a failed handshake: the listener goes on
            }
            Thread.ofVirtual().start(() -> converse(connection));
        }
    }

    private static void converse(Connection connection) {
        try (connection) {
            while (true) {
                byte[] message = connection.recvBytes();
                connection.sendBytes(isDecoded(message) ? answer(connection, message) : message);
            }
        } catch (VirtualMachineError e) {
            System.out.println("FATAL " + e);
            e.printStackTrace();
        } catch (IOException | RuntimeException e) {
            // The peer's garbage, lengths or end of file: this connection ends, the others go on.
        }
    }

    private static boolean isDecoded(byte[] message) {
        boolean pickle = message.length > 0 && message[0] == (byte) 0x80;
        boolean serialized = message.length > 1 && message[0] == (byte) 0xac && message[1] == (byte) 0xed;
        return pickle || serialized;
    }

    /** Decodes {@code message} with the codec its first bytes name, timed; says whether it was refused. */
    private static byte[] answer(Connection connection, byte[] message) {
        long start = System.nanoTime();
        String outcome;
        try {
            if (message[0] != (byte) 0x80) {
                connection.setCodec(JavaSerializationCodec.standard());
            }
            connection.codec().decode(message);
            DECODES.incrementAndGet();
            outcome = "decoded";
        } catch (IOException | RuntimeException e) {
            REFUSED.incrementAndGet();
            outcome = "refused: " + e;
        } finally {
            connection.setCodec(PickleCodec.INSTANCE);
        }
        SLOWEST_DECODE_NANOS.accumulateAndGet(System.nanoTime() - start, Math::max);
        return outcome.getBytes(StandardCharsets.UTF_8);
    }
}
