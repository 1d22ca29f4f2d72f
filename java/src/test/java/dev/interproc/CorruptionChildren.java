package dev.interproc;

import dev.interproc.process.JavaProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs cases of {@link RegionCorruptionTest} in child JVMs ({@link CorruptRegionExercise}), many per child, and
 * tells what happened to each: its steps, or how the child ended while the case was under way. A child that
 * crashes or hangs is replaced by a new one for the cases after.
 */
final class CorruptionChildren {

    /** How long a child may take for one step of a case before it counts as hung. */
    static final Duration STEP_BOUND = Duration.ofSeconds(10);

    /** One step of a case, as the child reported it. */
    record Step(String name, String outcome) {
        @Override
        public String toString() {
            return name + ": " + outcome;
        }
    }

    /**
     * What happened to one case.
     *
     * @param steps the steps the child reported
     * @param abort how the child ended while the case was under way (crash, hang), or null if it finished the case
     */
    record CaseRun(List<Step> steps, String abort) {}

    private CorruptionChildren() {}

    /** Runs the cases {@code numbers} of the regions under {@code root}; crash logs go under {@code errorRoot}. */
    static Map<Integer, CaseRun> run(Path root, List<Integer> numbers, Path errorRoot) throws Exception {
        Map<Integer, CaseRun> runs = new HashMap<>();
        List<Integer> remaining = new ArrayList<>(numbers);
        while (!remaining.isEmpty()) {
            Path errors = Files.createTempDirectory(errorRoot, "child");
            try (JavaProcess child = start(errors, "exercise-corrupt", root, remaining)) {
                if (!runUntilStopped(child, errors, remaining, runs)) {
                    break;
                }
            }
        }
        return runs;
    }

    /**
     * A child JVM of {@code job} over the cases {@code numbers}, writing any crash log into {@code errors} and no
     * core file.
     */
    static JavaProcess start(Path errors, String job, Path root, List<Integer> numbers) {
        List<String> args = new ArrayList<>(List.of(job, root.toString()));
        numbers.forEach(number -> args.add(String.valueOf(number)));
        return ChildProcesses.child(args.toArray(String[]::new))
                .jvmOptions(crashLogOptions(errors))
                .start();
    }

    /** JVM options that put a crash log (hs_err) into {@code errors} and write no core file. */
    static String[] crashLogOptions(Path errors) {
        return new String[] {"-XX:ErrorFile=" + errors.resolve("hs_err_pid%p.log"), "-XX:-CreateCoredumpOnCrash"};
    }

    /**
     * Reads the child's reports into {@code runs} until it finished every case, crashed or hung, and takes the
     * cases it finished or aborted off {@code remaining}. Returns false if it stopped outside any case (then every
     * remaining case is marked with how it stopped, and no other child should be tried).
     */
    private static boolean runUntilStopped(
            JavaProcess child, Path errors, List<Integer> remaining, Map<Integer, CaseRun> runs) throws Exception {
        Set<String> seen = new HashSet<>();
        List<Integer> finished = new ArrayList<>();
        Integer current = null;
        List<Step> steps = new ArrayList<>();
        Duration bound = ChildProcesses.STARTUP;
        while (true) {
            String line;
            try {
                line = child.awaitLine(candidate -> !seen.contains(candidate), bound);
            } catch (TimeoutException stopped) {
                String abort = child.isAlive() ? hang(child, steps) : crash(child, errors);
                if (current == null) {
                    remaining.forEach(number -> runs.put(number, new CaseRun(List.of(), abort)));
                    remaining.clear();
                    return false;
                }
                runs.put(current, new CaseRun(steps, abort));
                remaining.remove(current);
                return true;
            }
            seen.add(line);
            bound = STEP_BOUND;
            if (line.equals(CorruptRegionExercise.ALL_DONE)) {
                int code = child.waitFor(STEP_BOUND);
                if (code != 0 || hasCrashLog(errors)) {
                    String abort = "after its last case, " + crash(child, errors);
                    finished.forEach(number ->
                            runs.put(number, new CaseRun(runs.get(number).steps(), abort)));
                }
                return true;
            }
            if (!line.startsWith("case ")) {
                continue; // printed by something else in the child; kept in its transcript
            }
            String[] words = line.split(" ", 4);
            int number = Integer.parseInt(words[1]);
            switch (words[2]) {
                case "begin" -> {
                    current = number;
                    steps = new ArrayList<>();
                }
                case "step" -> {
                    int colon = words[3].indexOf(": ");
                    steps.add(new Step(words[3].substring(0, colon), words[3].substring(colon + 2)));
                }
                case "end" -> {
                    runs.put(number, new CaseRun(steps, null));
                    remaining.remove(Integer.valueOf(number));
                    finished.add(number);
                    current = null;
                }
                default -> throw new IllegalStateException("unexpected report from " + child + ": " + line);
            }
        }
    }

    private static String hang(JavaProcess child, List<Step> steps) {
        String stack = mainThreadStack(child.pid());
        child.close();
        return "hung: no report for " + STEP_BOUND.toSeconds() + " s after " + steps.size()
                + " steps; the child's main thread:\n" + stack;
    }

    private static String crash(JavaProcess child, Path errors) {
        int code;
        try {
            code = child.waitFor(STEP_BOUND);
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(child + " neither runs nor ends", e);
        }
        String log = crashLogs(errors).map(CorruptionChildren::problematicFrame).collect(Collectors.joining("; "));
        String transcript = child.errorOutput().stream().limit(20).collect(Collectors.joining("\n"));
        return "the child JVM ended with exit code " + code + (code == 134 || code == 139 ? " (a crash)" : "")
                + (log.isEmpty() ? "" : ", crash log: " + log) + "\n" + transcript;
    }

    /** Whether a JVM wrote a crash log (hs_err) into {@code errors}. */
    static boolean hasCrashLog(Path errors) {
        return crashLogs(errors).findAny().isPresent();
    }

    private static Stream<Path> crashLogs(Path errors) {
        try (Stream<Path> files = Files.list(errors)) {
            return files.toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The crash log's file name and the frame it blames. */
    private static String problematicFrame(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            int at = lines.indexOf("# Problematic frame:");
            return log.getFileName() + (at >= 0 && at + 1 < lines.size() ? " " + lines.get(at + 1) : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stack of the main thread of the JVM {@code pid}, from jstack: where it hangs. */
    static String mainThreadStack(long pid) {
        try {
            Path dump = Files.createTempFile("jstack", ".txt");
            try {
                Process jstack = new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jstack")
                                        .toString(),
                                String.valueOf(pid))
                        .redirectErrorStream(true)
                        .redirectOutput(dump.toFile())
                        .start();
                if (!jstack.waitFor(STEP_BOUND.toSeconds(), TimeUnit.SECONDS)) {
                    jstack.destroyForcibly();
                    return "(jstack did not answer)";
                }
                String all = Files.readString(dump);
                int main = all.indexOf("\"main\"");
                if (main < 0) {
                    return all;
                }
                int end = all.indexOf("\n\n", main);
                return all.substring(main, end < 0 ? all.length() : end);
            } finally {
                Files.delete(dump);
            }
        } catch (IOException e) {
            return "(no jstack: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted while taking jstack)";
        }
    }
}
