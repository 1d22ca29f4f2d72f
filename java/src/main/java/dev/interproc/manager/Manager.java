package dev.interproc.manager;

import dev.interproc.connection.Address;
import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * A manager server running in a child JVM of its own, with a client connected to it: Python's
 * {@code multiprocessing.Manager()}. The child runs this JVM's {@code java} with its class path and module path,
 * serves a {@link ManagerServer} and dies with this JVM: when this JVM closes the manager, exits or is killed,
 * even by SIGKILL, the child finds its standard input at an end and stops (no orphan server).
 *
 * <pre>{@code
 * try (Manager manager = Manager.start()) {             // a socket file in a private directory, a random key
 *     ManagedMap<String, Integer> scores = manager.client().dict();
 *     // other processes: ManagerClient.connect(manager.address(), key they were given)
 * }
 * }</pre>
 *
 * <p>Objects made through {@link #client()} live in the child; other processes reach them by the manager's
 * {@link #address()} and {@link #authkey()} and a proxy's ident. {@link #close()} stops the child and with it every
 * object; a client of another process then gets {@link ManagerDiedException}.
 *
 * <p>Instances are safe for use by several threads.
 */
public final class Manager implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JavaProcess process;
    private final Address address;
    private final byte[] authkey;
    private final ManagerClient client;

    private Manager(JavaProcess process, Address address, byte[] authkey, ManagerClient client) {
        this.process = process;
        this.address = address;
        this.authkey = authkey;
        this.client = client;
    }

    /**
     * Starts a manager JVM on a socket file in a fresh private temporary directory, with a random 32-byte key, as
     * Python's {@code Manager()}. Blocks until it serves (about as long as a JVM takes to start).
     *
     * @return the running manager, its client connected
     * @throws IOException if the child could not start or serve
     * @throws InterruptedException if interrupted while waiting for the child; the child is stopped
     */
    public static Manager start() throws IOException, InterruptedException {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return start(null, key);
    }

    /**
     * Starts a manager JVM listening on {@code address} (TCP for remote clients; port 0 picks a free port) with
     * {@code authkey}. Blocks until it serves.
     *
     * @param address where the manager listens, or null for a socket file in a fresh private directory
     * @param authkey the key every client must prove it holds (copied)
     * @param jvmOptions options of the manager's JVM, such as {@code -Xmx1g}
     * @return the running manager, its client connected
     * @throws IOException if the child could not start or serve (the message holds its standard error), for example
     *     because a live server holds the address
     * @throws InterruptedException if interrupted while waiting for the child; the child is stopped
     * @throws IllegalArgumentException if {@code authkey} is empty
     */
    public static Manager start(Address address, byte[] authkey, String... jvmOptions)
            throws IOException, InterruptedException {
        Objects.requireNonNull(authkey, "a manager always authenticates: authkey");
        if (authkey.length == 0) {
            throw new IllegalArgumentException("an empty authkey authenticates nobody; give at least one byte");
        }
        byte[] key = authkey.clone();
        JavaProcess process =
                JavaProcess.builder(ManagerMain.class).jvmOptions(jvmOptions).start();
        try {
            process.sendLine(address == null ? ManagerMain.PRIVATE_SOCKET : address.toString());
            process.sendLine(HexFormat.of().formatHex(key));
            String listening = process.awaitLine(line -> line.startsWith(ManagerMain.LISTENING + " "), START_TIMEOUT);
            Address served = Address.parse(listening.substring(ManagerMain.LISTENING.length() + 1));
            return new Manager(process, served, key, ManagerClient.connect(served, key));
        } catch (TimeoutException e) {
            process.close();
            throw new IOException(
                    "the manager JVM did not serve within " + START_TIMEOUT + ": "
                            + String.join("\n", process.errorOutput()),
                    e);
        } catch (IOException | RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
    }

    /** {@return the address clients connect to} */
    public Address address() {
        return address;
    }

    /** {@return a copy of the key clients must hold} */
    public byte[] authkey() {
        return authkey.clone();
    }

    /** {@return the client of this JVM, connected to the manager; {@link #close()} closes it} */
    public ManagerClient client() {
        return client;
    }

    /** {@return the process id of the manager JVM} */
    public long pid() {
        return process.pid();
    }

    /** {@return whether the manager JVM is still running} */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@return the lines the manager JVM wrote on standard error so far, for diagnosis} */
    public List<String> errorOutput() {
        return process.errorOutput();
    }

    /**
     * Stops the manager: closes the client, ends the child's standard input so that it stops serving and exits,
     * and kills it if it has not within 5 seconds. Every object the manager held is gone; clients of other
     * processes get {@link ManagerDiedException}. Blocks until the child has ended; idempotent.
     */
    @Override
    public void close() {
        client.close();
        try (OutputStream input = process.process().getOutputStream()) {
            input.flush();
        } catch (IOException alreadyGone) {
            // the child has ended already
        }
        try {
            process.waitFor(STOP_TIMEOUT);
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            process.close();
        }
    }

    @Override
    public String toString() {
        return "Manager[" + address + ", pid " + pid() + (isAlive() ? "" : ", ended") + "]";
    }
}
