package dev.interproc.process;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM that inherits what this JVM runs with: its {@code java} binary, module path,
 * native access and {@code interproc.library.path}, and its class path behind the caller's own entries.
 */
final class JavaCommandLine {

    private JavaCommandLine() {}

    /**
     * Assembles the command line.
     *
     * @param mainClassName the binary name of the class whose {@code main} the child runs
     * @param jvmOptions options for the child JVM, in order, after the inherited ones
     * @param classPathPrefix directories or JARs put before this JVM's class path
     * @param arguments the arguments passed to the child's {@code main}
     * @return a new list: the {@code java} binary, its options, the class path, the main class and the arguments
     */
    static List<String> of(
            String mainClassName, List<String> jvmOptions, List<Path> classPathPrefix, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isEmpty()) {
            command.add("--module-path");
            command.add(modulePath);
            command.add("--add-modules");
            command.add("ALL-MODULE-PATH");
            command.add("--enable-native-access=ALL-UNNAMED,dev.interproc");
        } else {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        String libraryPath = System.getProperty("interproc.library.path");
        if (libraryPath != null) {
            command.add("-Dinterproc.library.path=" + libraryPath);
        }
        command.addAll(jvmOptions);
        List<String> classPath = new ArrayList<>();
        classPathPrefix.forEach(entry -> classPath.add(entry.toString()));
        classPath.add(System.getProperty("java.class.path"));
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classPath));
        command.add(mainClassName);
        command.addAll(arguments);
        return command;
    }
}
