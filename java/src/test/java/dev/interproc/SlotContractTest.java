package dev.interproc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * What every slot type does alike, run for each entry of {@link SlotKind#ALL}: find-or-create, refusal of other
 * types, IllegalStateException after close, and inspection.
 */
class SlotContractTest {

    private static final String SLOT = "worker/state";

    @RegisterExtension
    final TestRegion region = new TestRegion("slots");

    @Test
    void everySlotTypeOfTheRegistryHasAnEntryInTheTable() {
        Set<String> registered =
                Arrays.stream(SlotType.values()).map(SlotType::javaName).collect(Collectors.toSet());
        Set<String> tested = SlotKind.ALL.stream().map(SlotKind::type).collect(Collectors.toSet());
        assertEquals(registered, tested, "SlotKind.ALL must have an entry for every SlotType, and only those");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.SlotKind#ALL")
    void twoAccessorsOfOneInstanceShareTheSlot(SlotKind<?> kind) throws Exception {
        kind.assertShared(region.memory(), region.memory(), SLOT);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.SlotKind#ALL")
    void accessorsOfTwoInstancesShareTheSlot(SlotKind<?> kind) throws Exception {
        try (SharedMemory opener = SharedMemory.open(region.name())) {
            kind.assertShared(region.memory(), opener, SLOT);
        }
    }

    /** Every other type's accessor is refused on the slot, naming both types (a variant of the type too). */
    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.SlotKind#ALL")
    void theAccessorOfAnotherTypeIsRefusedNamingBoth(SlotKind<?> kind) {
        kind.create(region.memory(), SLOT);
        for (SlotKind<?> other : SlotKind.ALL) {
            if (other == kind) {
                continue;
            }
            IncompatibleSlotException refused = assertThrows(
                    IncompatibleSlotException.class, () -> other.create(region.memory(), SLOT), other::toString);
            if (!other.type().equals(kind.type())) {
                assertEquals(
                        "slot '" + SLOT + "' in region '" + region.name() + "' is a " + kind.type() + ", not a "
                                + other.type() + ": use the accessor of its type, or another slot name",
                        refused.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.SlotKind#ALL")
    void everyUseAfterCloseThrowsIllegalState(SlotKind<?> kind) {
        List<Executable> uses = kind.usesToFailAfterClose(region.memory(), SLOT);
        region.memory().close();
        for (int i = 0; i < uses.size(); i++) {
            IllegalStateException closed = assertThrows(IllegalStateException.class, uses.get(i), "use " + i);
            assertTrue(closed.getMessage().contains("region '" + region.name() + "' is closed"), closed.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> kind.create(region.memory(), SLOT), "the accessor");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.interproc.SlotKind#ALL")
    void inspectionListsTheSlotWithItsType(SlotKind<?> kind) {
        kind.create(region.memory(), SLOT);
        assertEquals(
                kind.inspectedType(),
                SharedMemory.inspect(region.name()).slots().stream()
                        .collect(Collectors.toMap(SlotInfo::name, SlotInfo::type))
                        .get(SLOT));
    }
}
