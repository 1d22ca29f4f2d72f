package dev.interproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.SharedMemory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as a new user gets it: installs the JARs the build just packaged into the local Maven repository (what
 * {@code mvn install} does), makes a fresh Maven project that depends on them, compiles the README's getting-started
 * snippet taken from README.md, and runs it on the class path and on the module path.
 *
 * <p>It lives in this module because the reactor builds this module after the library is packaged, and because the
 * command line is what the library's users must not receive: their dependency tree has no picocli and their module
 * graph no jdk.httpserver. Maven contacts no server when the plugins are already in the local repository.
 */
class ArtifactTest {

    /** The region the README's snippet opens. */
    private static final String SNIPPET_REGION = "getting-started";

    private static final Path ROOT = Path.of(System.getProperty("interproc.repo.root"));
    private static final String VERSION = System.getProperty("interproc.version");
    private static final Path LIBRARY = ROOT.resolve("java/target");

    @TempDir
    private Path project;

    @AfterEach
    void removeSnippetRegion() {
        SharedMemory.unlink(SNIPPET_REGION);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void freshProjectRunsTheReadmeSnippetOnClassPathAndModulePathWithoutTheCommandLine() throws Exception {
        installLibrary();
        writeProject();
        maven(
                "compile",
                plugin("dependency") + ":tree",
                "-DoutputFile=tree.txt",
                plugin("dependency") + ":build-classpath",
                "-Dmdep.outputFile=classpath.txt");

        String tree = Files.readString(project.resolve("tree.txt"));
        assertTrue(tree.contains("dev.interproc:interproc:jar:" + VERSION + ":compile"), tree);
        assertFalse(tree.contains("picocli"), "picocli in the library's dependency tree:\n" + tree);
        assertFalse(tree.contains("net.razorvine"), "Pyrolite is relocated inside the JAR, not a dependency:\n" + tree);

        List<String> dependencies = Arrays.asList(
                Files.readString(project.resolve("classpath.txt")).strip().split(File.pathSeparator));
        String classes = project.resolve("target/classes").toString();

        String onClassPath = java(
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classes + File.pathSeparator + String.join(File.pathSeparator, dependencies),
                "gettingstarted.GettingStarted");
        assertTrue(onClassPath.matches("(?s)visits: [1-9][0-9]*\\R"), onClassPath);

        // The module path under other file names: no module of the graph may take its name from its JAR's name.
        Path renamed = Files.createDirectory(project.resolve("renamed"));
        for (int i = 0; i < dependencies.size(); i++) {
            Files.copy(Path.of(dependencies.get(i)), renamed.resolve("dependency-" + i + ".jar"));
        }
        String onModulePath = java(
                "--enable-native-access=dev.interproc",
                "--show-module-resolution",
                "--module-path",
                classes + File.pathSeparator + renamed,
                "--module",
                "gettingstarted/gettingstarted.GettingStarted");
        assertTrue(onModulePath.matches("(?s).*\\Rvisits: [1-9][0-9]*\\R"), onModulePath);
        assertTrue(onModulePath.contains("gettingstarted requires dev.interproc"), onModulePath);
        assertFalse(onModulePath.contains("jdk.httpserver"), "jdk.httpserver in the module graph:\n" + onModulePath);
        assertFalse(onModulePath.contains("picocli"), "picocli in the module graph:\n" + onModulePath);
    }

    @Test
    void sourcesAndJavadocJarsAreBuilt() throws IOException {
        try (ZipFile sources = new ZipFile(artifact("sources").toFile());
                ZipFile javadoc = new ZipFile(artifact("javadoc").toFile())) {
            assertNotNull(sources.getEntry("dev/interproc/SharedMemory.java"), "no SharedMemory.java in sources");
            assertNotNull(javadoc.getEntry("dev.interproc/dev/interproc/SharedMemory.html"), "no SharedMemory.html");
        }
    }

    /** Installs the packaged library, its POM without Pyrolite, and the parent POM it names, as mvn install does. */
    private void installLibrary() throws IOException, InterruptedException {
        Path parent = ROOT.resolve("pom.xml");
        maven(plugin("install") + ":install-file", "-Dfile=" + parent, "-DpomFile=" + parent);
        maven(
                plugin("install") + ":install-file",
                "-Dfile=" + artifact(null),
                "-DpomFile=" + LIBRARY.resolve("dependency-reduced-pom.xml"),
                "-Dsources=" + artifact("sources"),
                "-Djavadoc=" + artifact("javadoc"));
    }

    /** A JAR the build packaged: the library itself, or its sources or javadoc. */
    private static Path artifact(String classifier) {
        Path jar = LIBRARY.resolve("interproc-" + VERSION + (classifier == null ? "" : "-" + classifier) + ".jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: package the library first (mvn package -pl java)");
        return jar;
    }

    private void writeProject() throws IOException {
        Files.writeString(project.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>getting-started</artifactId>
                  <version>1</version>
                  <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <maven.compiler.release>22</maven.compiler.release>
                  </properties>
                  <dependencies>
                    <dependency>
                      <groupId>dev.interproc</groupId>
                      <artifactId>interproc</artifactId>
                      <version>%s</version>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                      <plugin>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(
                        VERSION, pluginVersion("compiler"), pluginVersion("resources")));
        Path sources = Files.createDirectories(project.resolve("src/main/java/gettingstarted"));
        Files.writeString(
                project.resolve("src/main/java/module-info.java"),
                "module gettingstarted { requires dev.interproc; }\n");
        Files.writeString(sources.resolve("GettingStarted.java"), program(readmeSnippet()));
    }

    /** The first java block under the README's "Getting started" heading. */
    private static List<String> readmeSnippet() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        int heading = readme.indexOf("### Getting started");
        assertTrue(heading >= 0, "README.md has no '### Getting started' heading");
        int start = readme.subList(heading, readme.size()).indexOf("```java") + heading + 1;
        int end = readme.subList(start, readme.size()).indexOf("```") + start;
        assertTrue(start > heading && end > start, "no java block under README.md's Getting started");
        return readme.subList(start, end);
    }

    /** The snippet as a program: its imports on top, its statements in main. */
    private static String program(List<String> snippet) {
        StringBuilder imports = new StringBuilder();
        StringBuilder statements = new StringBuilder();
        for (String line : snippet) {
            (line.startsWith("import ") ? imports : statements).append(line).append('\n');
        }
        return "package gettingstarted;\n\n" + imports + "\npublic final class GettingStarted {\n"
                + "    public static void main(String[] args) throws Exception {\n" + statements + "    }\n}\n";
    }

    private String maven(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "mvn", "-B", "-ntp", "-q", "-Dmaven.repo.local=" + System.getProperty("interproc.local.repository")));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private String java(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(arguments));
        return run(command);
    }

    /** Runs a command in the project directory; its output (standard error included) once it succeeded. */
    private String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }

    private static String plugin(String name) {
        return "org.apache.maven.plugins:maven-" + name + "-plugin:" + pluginVersion(name);
    }

    private static String pluginVersion(String name) {
        return System.getProperty("interproc." + name + "-plugin.version");
    }
}
