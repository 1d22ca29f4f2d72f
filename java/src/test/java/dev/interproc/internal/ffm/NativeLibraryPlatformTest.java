package dev.interproc.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The library ships one ELF shared object per architecture, under directories named by a normalised arch. */
class NativeLibraryPlatformTest {

    private static final short EM_X86_64 = 62;
    private static final short EM_AARCH64 = 183;

    @Test
    void everyOsArchSpellingMapsToOneResourceDirectory() {
        assertEquals("x86_64", NativeLibrary.normalisedArch("amd64"));
        assertEquals("x86_64", NativeLibrary.normalisedArch("x86_64"));
        assertEquals("aarch64", NativeLibrary.normalisedArch("aarch64"));
        assertEquals("aarch64", NativeLibrary.normalisedArch("arm64"));
        assertEquals("riscv64", NativeLibrary.normalisedArch("riscv64"));
    }

    @Test
    void bothArchitecturesAreBundledForTheirMachine() throws IOException {
        assertEquals(EM_X86_64, elfMachine("linux-x86_64"));
        assertEquals(EM_AARCH64, elfMachine("linux-aarch64"));
    }

    /** The e_machine field of the bundled library's ELF header (little-endian on both architectures). */
    private static short elfMachine(String platform) throws IOException {
        String resource = "/dev/interproc/native/" + platform + "/libinterproc.so";
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is missing");
            ByteBuffer header = ByteBuffer.wrap(in.readNBytes(20)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x7f454c46, header.order(ByteOrder.BIG_ENDIAN).getInt(0), resource + " is not ELF");
            return header.order(ByteOrder.LITTLE_ENDIAN).getShort(18);
        }
    }
}
