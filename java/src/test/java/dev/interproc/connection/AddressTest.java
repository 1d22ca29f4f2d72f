package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Addresses parse and print as Python writes them. */
class AddressTest {

    @Test
    void addressesParseAndPrintAsPython() {
        assertEquals(new Address.Tcp("127.0.0.1", 6000), Address.parse("('127.0.0.1', 6000)"));
        assertEquals("('127.0.0.1', 6000)", Address.parse("('127.0.0.1', 6000)").toString());
        assertEquals(new Address.Tcp("::1", 0), Address.parse("(\"::1\", 0)"));
        assertEquals(new Address.Tcp("localhost", 80), Address.parse("(localhost,80)"));
        assertEquals(new Address.Unix(Path.of("/tmp/app.sock")), Address.parse("/tmp/app.sock"));
        assertEquals("/tmp/app.sock", Address.parse("/tmp/app.sock").toString());
        Address abstractName = Address.parse("\0name");
        assertEquals(new Address.Abstract("name".getBytes(StandardCharsets.US_ASCII)), abstractName);
        assertEquals(abstractName, Address.parse("\\0name"));
        assertEquals("b'\\x00name'", abstractName.toString());
        assertEquals(abstractName, Address.parse(abstractName.toString()));
        Address quoted = new Address.Abstract(new byte[] {'i', '\'', '\\', 0, (byte) 0xe9, '\n'});
        assertEquals(quoted, Address.parse(quoted.toString()));
        assertEquals(
                "address type of b'plain' unrecognized",
                assertThrows(IllegalArgumentException.class, () -> Address.parse("b'plain'"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Address.parse("('h', 70000)"));
        assertThrows(IllegalArgumentException.class, () -> Address.parse("(h)"));
    }
}
