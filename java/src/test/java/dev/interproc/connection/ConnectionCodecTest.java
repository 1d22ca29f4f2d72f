package dev.interproc.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.interproc.codec.JavaSerializationCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The codec a connection uses: Java serialization only once the peer proved the key. */
class ConnectionCodecTest {

    @Test
    void javaSerializationNeedsAnAuthenticatedConnection(@TempDir Path directory) throws Exception {
        try (Pipe pipe = Pipe.duplex()) {
            IllegalStateException refused = assertThrows(
                    IllegalStateException.class, () -> pipe.first().setCodec(JavaSerializationCodec.standard()));
            assertTrue(refused.getMessage().contains("authkey"), refused.getMessage());
        }
        byte[] key = "k".getBytes(StandardCharsets.US_ASCII);
        try (Listener listener = Listener.bind(new Address.Unix(directory.resolve("s")), 1, key)) {
            CompletableFuture<Connection> accepted = InBackground.supply(listener::accept);
            try (Connection client = Client.connect(listener.address(), key);
                    Connection server = accepted.get(30, TimeUnit.SECONDS)) {
                client.setCodec(JavaSerializationCodec.standard());
                server.setCodec(JavaSerializationCodec.standard());
                client.send(LocalDate.of(2000, 1, 1));
                assertEquals(LocalDate.of(2000, 1, 1), server.recv());
            }
        }
    }
}
