package dev.interproc.example.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.interproc.SharedMemory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP API process of the worker example: serves the shared {@link WorkerState} on localhost.
 *
 * <pre>
 *  GET  /status     200 {"status": "IDLE", "job": 17}
 *  POST /jobs       202 {"status": "CALCULATING", "job": 18}   when the worker was IDLE
 *                   409 {"status": "CALCULATING", "job": 17}   otherwise
 *  POST /shutdown   202 {"status": "SHUTTING_DOWN", "job": 18}
 * </pre>
 *
 * Arguments: region name, job-log capacity. Prints {@value #LISTENING}{@code PORT} once it serves (the
 * handshake), then one line per accepted job. Reads commands from standard input: {@value #EXIT} stops it;
 * {@value #PAUSE_NEXT_SUBMISSION} (acknowledged by {@value #PAUSE_ARMED_LINE}) makes the next
 * accepted {@code POST /jobs} stop forever while it holds the lock, halfway through, and print a line starting with
 * {@value #PAUSED}: the demo kills the process there.
 */
public final class ApiServer {

    /** Start of the handshake line; the port follows. */
    public static final String LISTENING = "listening on http://127.0.0.1:";
    /** Command: stop serving and exit. */
    public static final String EXIT = "exit";
    /** Command: pause the next submission forever, holding the lock. */
    public static final String PAUSE_NEXT_SUBMISSION = "pause-next-submission";
    /** The line that acknowledges {@value #PAUSE_NEXT_SUBMISSION}. */
    public static final String PAUSE_ARMED_LINE = "the next submission will pause holding the lock";
    /** Start of the line printed when a submission pauses. */
    public static final String PAUSED = "paused holding worker/lock";

    private static final AtomicBoolean PAUSE_ARMED = new AtomicBoolean();

    private ApiServer() {}

    /** Serves until {@value #EXIT} or the end of standard input. */
    public static void main(String[] args) throws IOException {
        String region = args[0];
        int capacity = Integer.parseInt(args[1]);
        try (SharedMemory memory = SharedMemory.open(region);
                ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor()) {
            WorkerState state = new WorkerState(memory, capacity, ApiServer::say);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setExecutor(handlers);
            server.createContext(
                    "/status",
                    exchange -> handle(
                            exchange,
                            "GET",
                            () -> respond(exchange, 200, state.snapshot().toJson())));
            server.createContext("/jobs", exchange -> handle(exchange, "POST", () -> submit(exchange, state)));
            server.createContext(
                    "/shutdown",
                    exchange -> handle(exchange, "POST", () -> {
                        WorkerState.Snapshot after = state.requestShutdown();
                        say("shutdown requested: " + after.status() + " (job " + after.job() + ")");
                        respond(exchange, 202, after.toJson());
                    }));
            server.start();
            try {
                say(LISTENING + server.getAddress().getPort());
                readCommands();
            } finally {
                server.stop(0);
            }
        }
    }

    private static void readCommands() throws IOException {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null && !command.equals(EXIT)) {
            if (command.equals(PAUSE_NEXT_SUBMISSION)) {
                PAUSE_ARMED.set(true);
                say(PAUSE_ARMED_LINE);
            } else {
                say("unknown command '" + command + "'");
            }
        }
    }

    private static void submit(HttpExchange exchange, WorkerState state) throws IOException {
        WorkerState.Submission submission = state.submit(() -> {
            if (PAUSE_ARMED.getAndSet(false)) {
                say(PAUSED + " halfway through submitting job "
                        + state.snapshot().job() + " (job id published, status still IDLE)");
                pauseForever();
            }
        });
        if (submission.accepted()) {
            say("job " + submission.snapshot().job() + " accepted: IDLE -> CALCULATING");
            respond(exchange, 202, submission.snapshot().toJson());
        } else {
            respond(exchange, 409, submission.snapshot().toJson());
        }
    }

    private static void pauseForever() {
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while paused for the demo's kill", e);
        }
    }

    /** Handles one exchange, answering 405 to other methods and 500 to failures. */
    private static void handle(HttpExchange exchange, String method, Handler handler) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals(method)) {
                respond(exchange, 405, "{\"error\": \"use " + method + "\"}");
                return;
            }
            handler.run();
        } catch (RuntimeException e) {
            say("request " + exchange.getRequestURI() + " failed: " + e);
            respond(exchange, 500, "{\"error\": \"internal error\"}");
        }
    }

    private static void respond(HttpExchange exchange, int code, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    @FunctionalInterface
    private interface Handler {
        void run() throws IOException;
    }
}
