package dev.interproc.connection;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@link Listener} listens and a {@link Client} connects, in Python's three Linux forms: a
 * {@code (host, port)} tuple is TCP ({@link Tcp}), any other string a Unix-domain socket file ({@link Unix}),
 * and a string starting with NUL a socket in Linux's abstract namespace ({@link Abstract}).
 *
 * <p>{@link #parse(String)} reads and {@code toString()} prints Python's notation: {@code ('127.0.0.1', 6000)},
 * {@code /tmp/app.sock}, and for an abstract name the bytes literal Python reports, {@code b'\x00name'}
 * ({@link #parse(String)} also takes {@code \0name}, with a real NUL character or the two characters backslash,
 * zero). Every printed address parses back to itself. Unlike Python, TCP addresses may be IPv6
 * ({@code ('::1', 6000)}).
 *
 * <p><b>Abstract namespace:</b> the JDK's Unix-domain sockets cannot bind or connect to abstract names
 * ({@link java.net.UnixDomainSocketAddress} rejects a NUL character), so {@link Listener} and {@link Client} drive
 * such sockets through the C library with the Foreign Function and Memory API (which needs native access, as the
 * rest of this module does). Their connections work as any other, from platform and virtual threads alike (a
 * virtual thread waits without pinning its carrier), with one limit: {@link Connections#wait} cannot mix them with
 * other connections. Unlike a JDK socket channel, such a connection is not closed by interrupting a thread blocked
 * on it: the call goes on and returns with the thread's interrupt status set.
 */
public sealed interface Address {

    /**
     * Parses Python's notation: {@code (host, port)} with optional quotes around the host is TCP; a string
     * starting with NUL (or the two characters {@code \0}), or a bytes literal starting with {@code \x00}, is
     * abstract; anything else is a socket file path.
     *
     * @param text the address as Python prints or accepts it
     * @return the address
     * @throws IllegalArgumentException if the text is empty, a tuple whose port is not a number in 0..65535, or a
     *         bytes literal not starting with NUL (Python's "address type of b'...' unrecognized")
     * @throws NullPointerException if {@code text} is null
     */
    static Address parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException(
                    "an empty string is no address; give a (host, port) tuple or a socket path");
        }
        if (text.startsWith("(")) {
            Matcher tuple = Tcp.TUPLE.matcher(text);
            if (!tuple.matches()) {
                throw new IllegalArgumentException(
                        "address " + text + " is not a (host, port) tuple such as ('127.0.0.1', 6000)");
            }
            String host = tuple.group(2) != null ? tuple.group(2) : tuple.group(3);
            return new Tcp(host, Integer.parseInt(tuple.group(4)));
        }
        if (text.length() >= 3
                && text.charAt(0) == 'b'
                && (text.charAt(1) == '\'' || text.charAt(1) == '"')
                && text.charAt(text.length() - 1) == text.charAt(1)) {
            byte[] bytes = PyRepr.parseBytes(text.substring(2, text.length() - 1));
            if (bytes.length == 0 || bytes[0] != 0) {
                throw new IllegalArgumentException("address type of " + text + " unrecognized");
            }
            return new Abstract(java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
        }
        if (text.charAt(0) == '\0') {
            return new Abstract(text.substring(1).getBytes(StandardCharsets.UTF_8));
        }
        if (text.startsWith("\\0")) {
            return new Abstract(text.substring(2).getBytes(StandardCharsets.UTF_8));
        }
        return new Unix(Path.of(text));
    }

    /**
     * A TCP address: host name or IP literal (IPv4 or IPv6) and port; port 0 asks a listener for a free one.
     *
     * @param host the host name or IP literal
     * @param port the port, 0 for any free one when binding
     */
    record Tcp(String host, int port) implements Address {

        private static final Pattern TUPLE =
                Pattern.compile("\\(\\s*(?:(['\"])(.*?)\\1|([^,'\"\\s]+))\\s*,\\s*(\\d{1,5})\\s*\\)");

        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code host} is null
         * @throws IllegalArgumentException if the port is outside 0..65535
         */
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is outside 0..65535");
            }
        }

        /**
         * The loopback interface {@code 127.0.0.1} with {@code port}.
         *
         * @param port the port, 0 for any free one when binding
         * @return the address
         */
        public static Tcp loopback(int port) {
            return new Tcp("127.0.0.1", port);
        }

        static Tcp of(InetSocketAddress address) {
            return new Tcp(address.getAddress().getHostAddress(), address.getPort());
        }

        /** Python's tuple notation, for example {@code ('127.0.0.1', 6000)}. */
        @Override
        public String toString() {
            return "('" + host + "', " + port + ")";
        }
    }

    /**
     * A Unix-domain socket file. A listener creates it and deletes it when closed.
     *
     * @param path the socket file's path
     */
    record Unix(Path path) implements Address {

        /**
         * Checks the path.
         *
         * @throws NullPointerException if {@code path} is null
         */
        public Unix {
            Objects.requireNonNull(path, "path");
        }

        /** The path, as Python prints an AF_UNIX address string. */
        @Override
        public String toString() {
            return path.toString();
        }
    }

    /**
     * A Unix-domain socket in Linux's abstract namespace, named by the bytes after the leading NUL (at most 107).
     * No file is created; the name disappears with the last socket bound to it. See the
     * {@linkplain Address interface documentation} for how it is implemented.
     *
     * @param name the name's bytes, without the leading NUL
     */
    record Abstract(byte[] name) implements Address {

        /** Copies {@code name}, the bytes after the leading NUL. */
        public Abstract {
            name = name.clone();
        }

        /**
         * A copy of the name, without the leading NUL.
         *
         * @return a new array of the name's bytes
         */
        @Override
        public byte[] name() {
            return name.clone();
        }

        /** Equal when the names hold the same bytes. */
        @Override
        public boolean equals(Object other) {
            return other instanceof Abstract that && Arrays.equals(name, that.name);
        }

        /** Hash of the name's bytes. */
        @Override
        public int hashCode() {
            return Arrays.hashCode(name);
        }

        /** Python's representation of the address a listener reports: {@code b'\x00name'}. */
        @Override
        public String toString() {
            byte[] full = new byte[name.length + 1];
            System.arraycopy(name, 0, full, 1, name.length);
            return PyRepr.bytes(full);
        }
    }
}
