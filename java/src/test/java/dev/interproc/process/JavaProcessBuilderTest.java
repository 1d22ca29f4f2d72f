package dev.interproc.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
