package dev.interproc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.interproc.testing.PackageArrows;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency arrows that docs/design.md draws ("Packages and their arrows", "Inside dev.interproc"),
 * checked against the compiled library: a new import that breaks them fails here, and the drawing must change
 * with the code.
 */
class ArchitectureTest {

    private static final String ROOT = PackageArrows.ROOT;

    /**
     * Each package of the library and the library packages it may depend on (the drawing of design.md); the command
     * line's packages are checked by its own module's test.
     */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "internal.events", Set.of(),
            "internal.ffm", Set.of("internal.events"),
            "internal.wait", Set.of("internal.ffm"),
            "", Set.of("codec", "internal.events", "internal.ffm", "internal.wait"),
            "process", Set.of("internal.wait"),
            "codec", Set.of(),
            "connection", Set.of("codec", "process", "internal.ffm", "internal.wait"),
            "pool", Set.of("codec", "connection", "process", "internal.wait"),
            "manager", Set.of("codec", "connection", "process"));

    private static JavaClasses library;

    @BeforeAll
    static void importLibrary() {
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void packagesDependOnlyOnThePackagesTheDrawingAllows() {
        assertEquals(
                Map.of(),
                PackageArrows.forbidden(library, ALLOWED),
                "package dependencies the drawing of docs/design.md does not allow");
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(library);
    }

    @Test
    void slotClassesDependOnTheRegionNotOnSharedMemory() {
        noClasses()
                .that()
                .resideInAPackage(ROOT)
                .and()
                .doNotBelongToAnyOf(SharedMemory.class)
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(SharedMemory.class)
                .because("SharedMemory is the public face of a region; the slot classes, the inspector and the"
                        + " region internals work on Region")
                .check(library);
    }

    @Test
    void regionInternalsKnowNoSlotClass() {
        noClasses()
                .that()
                .belongToAnyOf(
                        Region.class,
                        ProcessTable.class,
                        SlotMemory.class,
                        IntFields.class,
                        Errors.class,
                        RegionOptions.class)
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(
                        SlotType.class,
                        SlotDirectory.class,
                        SlotValue.class,
                        SharedMutex.class,
                        CoordinationSlot.class,
                        RegionInspector.class)
                .because("the region internals are the floor the slot classes stand on (docs/design.md)")
                .check(library);
    }
}
