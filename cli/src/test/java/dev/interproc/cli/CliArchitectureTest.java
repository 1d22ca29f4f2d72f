package dev.interproc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.interproc.testing.PackageArrows;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The command line's rows of the drawing in docs/design.md ("Packages and their arrows"): the module system already
 * keeps it to the library's exported packages; this keeps it to the ones the drawing names.
 */
class CliArchitectureTest {

    /** The command line's packages and the interproc packages each may depend on. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "cli", Set.of("", "example.worker", "manager", "connection"), "example.worker", Set.of("", "process"));

    @Test
    void packagesDependOnlyOnThePackagesTheDrawingAllows() {
        var commandLine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.interproc.cli", "dev.interproc.example");
        assertEquals(
                Map.of(),
                PackageArrows.forbidden(commandLine, ALLOWED),
                "package dependencies the drawing of docs/design.md does not allow");
    }
}
