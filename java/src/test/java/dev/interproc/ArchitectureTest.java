package dev.interproc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency arrows that docs/design.md draws ("Packages and their arrows", "Inside dev.interproc"),
 * checked against the compiled library: a new import that breaks them fails here, and the drawing must change
 * with the code.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.interproc";

    /** Each package of the library and the library packages it may depend on (the drawing of design.md). */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "internal.events", Set.of(),
            "internal.ffm", Set.of("internal.events"),
            "internal.wait", Set.of("internal.ffm"),
            "", Set.of("internal.events", "internal.ffm", "internal.wait"),
            "process", Set.of("internal.wait"),
            "codec", Set.of(),
            "connection", Set.of("codec", "process", "internal.ffm", "internal.wait"),
            "example.worker", Set.of("", "process"),
            "cli", Set.of("", "example.worker", "internal.ffm"));

    private static JavaClasses library;

    @BeforeAll
    static void importLibrary() {
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void packagesDependOnlyOnThePackagesTheDrawingAllows() {
        Map<String, Set<String>> found = new TreeMap<>();
        for (JavaClass origin : library) {
            String from = relative(origin.getPackageName());
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                String target = dependency.getTargetClass().getPackageName();
                if (target.startsWith(ROOT) && !relative(target).equals(from)) {
                    found.computeIfAbsent(from, key -> new TreeSet<>()).add(relative(target));
                }
            }
        }
        Map<String, Set<String>> forbidden = new TreeMap<>();
        found.forEach((from, targets) -> {
            Set<String> extra = new TreeSet<>(targets);
            extra.removeAll(ALLOWED.getOrDefault(from, Set.of()));
            if (!extra.isEmpty()) {
                forbidden.put(from.isEmpty() ? ROOT : from, extra);
            }
        });
        assertEquals(Map.of(), forbidden, "package dependencies the drawing of docs/design.md does not allow");
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

    private static String relative(String packageName) {
        return packageName.equals(ROOT) ? "" : packageName.substring(ROOT.length() + 1);
    }
}
