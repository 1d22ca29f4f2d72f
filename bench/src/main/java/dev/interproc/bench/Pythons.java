package dev.interproc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Finds the CPython a benchmark compares with. */
public final class Pythons {

    private Pythons() {}

    /**
     * Finds CPython {@code version}: the {@code python} system property, an {@code INTERPROC_PYTHONS} entry (what
     * {@code scripts/env.sh}'s {@code ip_find_pythons} sets), or pyenv's.
     *
     * @param version such as {@code "3.13"}
     * @return the interpreter
     * @throws IOException if none is found
     */
    public static Path find(String version) throws IOException {
        String binary = "python" + version;
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("python");
        if (property != null) {
            candidates.add(Path.of(property));
        }
        String configured = System.getenv("INTERPROC_PYTHONS");
        if (configured != null) {
            Arrays.stream(configured.split(","))
                    .map(String::trim)
                    .filter(path -> path.endsWith(binary))
                    .map(Path::of)
                    .forEach(candidates::add);
        }
        Path versions = Path.of(System.getProperty("user.home"), ".pyenv", "versions");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> installed = Files.list(versions)) {
                installed
                        .filter(dir -> dir.getFileName().toString().startsWith(version + "."))
                        .map(dir -> dir.resolve("bin/" + binary))
                        .sorted()
                        .forEach(candidates::add);
            }
        }
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IOException("Python " + version + " not found: pass -Dpython=/path/to/" + binary
                        + " or set INTERPROC_PYTHONS"));
    }
}
