package dev.interproc.cli;

import dev.interproc.connection.Address;
import dev.interproc.connection.AuthenticationException;
import dev.interproc.manager.ManagerClient;
import dev.interproc.manager.ManagerDiedException;
import dev.interproc.manager.ManagerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code interproc manager}: lists the objects a running manager holds; {@code interproc manager serve} runs a
 * standalone manager with the standard registry (what Python's {@code SyncManager} registers) until stopped;
 * {@code interproc manager shutdown} stops one, as Python's {@code BaseManager.shutdown()}.
 */
@Command(
        name = "manager",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the objects a running manager holds (Python's debug_info and number_of_objects): "
                    + "for each, its ident and reference count, then the start of its repr.",
            "Subcommands run a standalone manager (serve) and stop one (shutdown). The manager speaks Python's "
                    + "manager protocol: Python's SyncManager(address, authkey).connect() and interproc's "
                    + "ManagerClient use it alike.",
            "Exit code 1 when the manager cannot be reached, the key is wrong, or it cannot serve."
        },
        subcommands = {ManagerCommand.Serve.class, ManagerCommand.Shutdown.class})
final class ManagerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private Endpoint endpoint;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ManagerClient client = endpoint.given(spec).connect(spec)) {
            int objects = client.numberOfObjects();
            out.println("manager at " + client.address() + ": " + objects + (objects == 1 ? " object" : " objects"));
            out.print(client.debugInfo());
            out.flush();
            return Main.EXIT_OK;
        } catch (ManagerDiedException e) {
            return endpoint.unreachable(spec, e);
        }
    }

    /** The address and key options every manager command takes, and what they mean. */
    static final class Endpoint {

        private static final Pattern HOST_PORT = Pattern.compile("([^/:()]+):(\\d{1,5})");
        private static final Set<PosixFilePermission> SHARED =
                Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

        @Option(
                names = "--address",
                paramLabel = "ADDRESS",
                description = "A socket file path, HOST:PORT for TCP, or a Python address tuple such as "
                        + "\"('127.0.0.1', 50000)\".")
        private String address;

        @Option(
                names = "--authkey-file",
                paramLabel = "FILE",
                description = "A file holding the authentication key: its bytes, without one final newline. "
                        + "Keep it readable by its owner only; a warning is printed otherwise.")
        private Path authkeyFile;

        /**
         * Checks that both options are given. They cannot be declared required: picocli would then require them of
         * {@code interproc manager} also when a subcommand follows, which takes its own.
         */
        Endpoint given(CommandSpec spec) {
            if (address == null || authkeyFile == null) {
                throw new ParameterException(spec.commandLine(), "give --address ADDRESS and --authkey-file FILE");
            }
            return this;
        }

        Address address() {
            Matcher hostPort = HOST_PORT.matcher(address);
            if (hostPort.matches()) {
                return new Address.Tcp(hostPort.group(1), Integer.parseInt(hostPort.group(2)));
            }
            return Address.parse(address);
        }

        byte[] authkey(CommandSpec spec) {
            byte[] key;
            try {
                key = Files.readAllBytes(authkeyFile);
                if (isPosix(authkeyFile) && !Collections.disjoint(Files.getPosixFilePermissions(authkeyFile), SHARED)) {
                    spec.commandLine()
                            .getErr()
                            .println("interproc manager: warning: the key file " + authkeyFile
                                    + " is readable by other users; chmod 600 it");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the key file " + authkeyFile, e);
            }
            if (key.length > 0 && key[key.length - 1] == '\n') {
                key = Arrays.copyOf(key, key.length - 1);
            }
            if (key.length == 0) {
                throw new IllegalArgumentException("the key file " + authkeyFile + " is empty: a manager always "
                        + "authenticates, give it a key");
            }
            return key;
        }

        private static boolean isPosix(Path file) {
            return file.getFileSystem().supportedFileAttributeViews().contains("posix");
        }

        ManagerClient connect(CommandSpec spec) {
            try {
                return ManagerClient.connect(address(), authkey(spec));
            } catch (AuthenticationException e) {
                throw new UncheckedIOException(
                        "the manager at " + address + " refused the key of " + authkeyFile
                                + ": give the key file the manager was started with",
                        e);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "no manager answers at " + address
                                + ": check --address, or start one with `interproc manager serve`",
                        e);
            }
        }

        int unreachable(CommandSpec spec, ManagerDiedException e) {
            spec.commandLine().getErr().println("interproc " + spec.name() + ": " + e.getMessage());
            return Main.EXIT_REFUSED;
        }
    }

    /** {@code interproc manager serve}: a standalone manager until stopped. */
    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = {
                "Runs a manager with the standard registry (Queue, JoinableQueue, dict, list, Value, Array, "
                        + "Namespace, Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event, Barrier) "
                        + "at ADDRESS until stopped: Ctrl-C, SIGTERM, or `interproc manager shutdown`.",
                "Prints one line when it serves: \"serving at ADDRESS (pid N)\". A socket file left by a dead "
                        + "manager is replaced; one a live manager serves is refused (exit code 1)."
            })
    static final class Serve implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Mixin
        private Endpoint endpoint;

        @Override
        public Integer call() throws InterruptedException {
            ManagerServer server;
            try {
                server = ManagerServer.start(endpoint.given(spec).address(), endpoint.authkey(spec));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve at " + endpoint.address, e);
            }
            Thread stop = new Thread(server::close, "interproc-manager-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            PrintWriter out = spec.commandLine().getOut();
            out.println("serving at " + server.address() + " (pid "
                    + ProcessHandle.current().pid() + ")");
            out.flush();
            while (!server.awaitShutdown(Duration.ofDays(1))) {
                // serves until a shutdown request or a signal
            }
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // a signal stopped it: the hook runs anyway
            }
            out.println("stopped");
            out.flush();
            return Main.EXIT_OK;
        }
    }

    /** {@code interproc manager shutdown}: stops a running manager. */
    @Command(
            name = "shutdown",
            mixinStandardHelpOptions = true,
            description = {
                "Stops the manager at ADDRESS, as Python's BaseManager.shutdown(): it answers, closes every "
                        + "connection and drops its objects; its clients' later calls fail."
            })
    static final class Shutdown implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Mixin
        private Endpoint endpoint;

        @Override
        public Integer call() {
            try {
                endpoint.given(spec).connect(spec).shutdownServer();
            } catch (ManagerDiedException e) {
                return endpoint.unreachable(spec, e);
            }
            spec.commandLine().getOut().println("stopped the manager at " + endpoint.address);
            spec.commandLine().getOut().flush();
            return Main.EXIT_OK;
        }
    }
}
