package dev.interproc.connection;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A CPython process running a test script, with its output (stdout and stderr merged) read line by line. */
public final class PythonPeer implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private PythonPeer(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("python output").start(this::collect);
    }

    /**
     * The interpreter of a CPython version ("3.12"): from {@code INTERPROC_PYTHONS} (comma-separated paths), else
     * from {@code ~/.pyenv/versions/3.12.*}. Fails, never skips, when it is missing.
     */
    public static Path interpreter(String version) {
        String configured = System.getenv("INTERPROC_PYTHONS");
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            Arrays.stream(configured.split(",")).map(String::trim).map(Path::of).forEach(candidates::add);
        }
        Path versions = Path.of(
                System.getenv().getOrDefault("PYENV_ROOT", System.getProperty("user.home") + "/.pyenv"), "versions");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> installed = Files.list(versions)) {
                installed
                        .filter(dir -> dir.getFileName().toString().startsWith(version + "."))
                        .map(dir -> dir.resolve("bin").resolve("python" + version))
                        .sorted()
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return candidates.stream()
                .filter(path -> path.getFileName().toString().equals("python" + version) && Files.isExecutable(path))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("CPython " + version + " is required by the interop tests but was not"
                                + " found in INTERPROC_PYTHONS=" + configured + " nor under " + versions
                                + "; install it (pyenv install "
                                + version + ") or run the tests through scripts/test"));
    }

    public static PythonPeer start(String version, String script, String... args) {
        Path scriptPath;
        try {
            scriptPath = Path.of(PythonPeer.class.getResource(script).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> command = new ArrayList<>(List.of(interpreter(version).toString(), scriptPath.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PYTHONDONTWRITEBYTECODE", "1"));
        builder.directory(new File(System.getProperty("java.io.tmpdir")));
        try {
            return new PythonPeer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private void collect() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The pipe closes when the process ends; what was read stays in lines.
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Waits for a line matching {@code matcher}; fails with the output so far when none comes in time. */
    public synchronized String awaitLine(Predicate<String> matcher, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int searched = 0;
        while (true) {
            for (; searched < lines.size(); searched++) {
                if (matcher.test(lines.get(searched))) {
                    return lines.get(searched);
                }
            }
            long remaining = deadline - System.nanoTime();
            if (ended || remaining <= 0) {
                throw new AssertionError("python wrote no expected line; its output:\n" + String.join("\n", lines));
            }
            TimeUnit.NANOSECONDS.timedWait(this, remaining);
        }
    }

    public synchronized String output() {
        return String.join("\n", lines);
    }

    /** Waits for the process to exit and returns its exit code. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("python still runs after " + seconds + " s; its output:\n" + output());
        }
        synchronized (this) {
            while (!ended) {
                wait();
            }
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
