package dev.interproc.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JavaProcessBuilderTest {

    @Test
    void classPathPrefixGoesBeforeThisJvmsClassPathInOrder() {
        List<String> command = JavaProcess.builder("example.Main")
                .classPathPrefix(Path.of("/first"))
                .classPathPrefix(Path.of("/second"), Path.of("/third.jar"))
                .args("x")
                .command();
        int classPath = command.indexOf("-cp") + 1;
        assertEquals(
                String.join(
                        File.pathSeparator, "/first", "/second", "/third.jar", System.getProperty("java.class.path")),
                command.get(classPath));
        assertEquals(List.of("example.Main", "x"), command.subList(classPath + 1, command.size()));
    }

    @Test
    void launcherFirstRunsBeforeTheLauncherSet() {
        List<String> command = JavaProcess.builder("example.Main")
                .launcher("nice", "-n", "5")
                .launcherFirst("env", "X=1")
                .command();
        assertEquals(List.of("env", "X=1", "nice", "-n", "5"), command.subList(0, 5));
        assertTrue(command.get(5).endsWith("/bin/java"), command::toString);
    }

    @Test
    void aCopyIsIndependentOfItsOriginal() {
        JavaProcess.Builder original = JavaProcess.builder("example.Main")
                .launcher("nice")
                .jvmOptions("-Xmx64m")
                .args("a");
        List<String> before = original.command();
        JavaProcess.Builder copy = original.copy();
        assertEquals(before, copy.command());
        copy.launcherFirst("env").jvmOptions("-Dx=y").args("b").classPathPrefix(Path.of("/p"));
        assertEquals(before, original.command());
        assertEquals(before.size() + 3, copy.command().size());
    }
}
