package dev.interproc.manager;

import dev.interproc.connection.Address;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The {@code main} of the manager JVM that {@link Manager#start} starts. Its parent writes two lines on its standard
 * input: the address to listen on ({@value #PRIVATE_SOCKET} for a socket file in a private directory) and the
 * authentication key in hex, so that the key never shows in a process listing. It prints
 * {@code LISTENING <address>} once it serves, and serves until its standard input ends (the parent closed it, or
 * died, even by SIGKILL: the kernel closes the pipe then, so the manager never outlives its parent) or a client's
 * {@code shutdown} request. It exits 0 then, and 2 if it could not start (the reason on standard error).
 */
final class ManagerMain {

    /** The address line that asks for a socket file in a fresh private directory. */
    static final String PRIVATE_SOCKET = "-";

    /** The first word of the line printed once the server listens. */
    static final String LISTENING = "LISTENING";

    private static final int CANNOT_START = 2;

    private ManagerMain() {}

    public static void main(String[] args) throws InterruptedException {
        BufferedReader parent = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        ManagerServer server;
        try {
            String address = parent.readLine();
            String key = parent.readLine();
            if (address == null || key == null) {
                throw new IOException("standard input ended before the address and the key arrived");
            }
            byte[] authkey = HexFormat.of().parseHex(key);
            server = address.equals(PRIVATE_SOCKET)
                    ? ManagerServer.start(authkey)
                    : ManagerServer.start(Address.parse(address), authkey);
        } catch (IOException | RuntimeException e) {
            System.err.println("the manager could not start: " + e);
            System.exit(CANNOT_START);
            return;
        }
        System.out.println(LISTENING + " " + server.address());
        System.out.flush();
        Thread.ofPlatform().daemon().name("interproc-manager-parent").start(() -> {
            try {
                while (parent.readLine() != null) {
                    // nothing is said after the key; the end of the stream is what matters
                }
            } catch (IOException parentGone) {
                // the same as the end of the stream
            }
            server.close();
        });
        while (!server.awaitShutdown(Duration.ofDays(1))) {
            // serves until closed or shut down
        }
        server.close();
        System.exit(0);
    }
}
