package dev.interproc.connection;

import dev.interproc.codec.JavaSerializationCodec;
import dev.interproc.codec.SerializationProbe;
import java.io.InvalidClassException;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM of the two-JVM tests. {@code stream ADDRESS KEY}: connects, then sends {@link NumberedMessages}
 * while receiving and checking the parent's, and prints "RECEIVED n". {@code victim ADDRESS KEY}: connects with
 * Java serialization and reports what happened to a hostile object the parent sends.
 */
public final class ConnectionChild {

    private ConnectionChild() {}

    public static void main(String[] args) throws Exception {
        Address address = Address.parse(args[1]);
        byte[] key = args[2].getBytes(StandardCharsets.US_ASCII);
        try (Connection connection = Client.connect(address, key)) {
            switch (args[0]) {
                case "stream" -> stream(connection);
                case "victim" -> victim(connection);
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }

    private static void stream(Connection connection) throws Exception {
        NumberedMessages.streamFromChild(connection, System.out);
        connection.recvBytes(); // the parent's goodbye, so that it has read everything before this end closes
    }

    private static void victim(Connection connection) throws Exception {
        connection.setCodec(JavaSerializationCodec.standard());
        try {
            Object hostile = connection.recv();
            System.out.println("ACCEPTED " + hostile);
        } catch (InvalidClassException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
        System.out.println("FLAGS staticInit=" + SerializationProbe.STATIC_INIT_RAN.get()
                + " constructor=" + SerializationProbe.CONSTRUCTOR_RAN.get()
                + " readObject=" + SerializationProbe.READ_OBJECT_RAN.get());
        System.out.println("NEXT " + connection.recv());
    }
}
