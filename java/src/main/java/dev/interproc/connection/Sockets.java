package dev.interproc.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Turning {@link Address}es into listening and connected sockets, configured as Python configures its own. */
final class Sockets {

    private Sockets() {}

    static SocketAddress toSocketAddress(Address address) {
        return switch (address) {
            case Address.Tcp tcp -> new InetSocketAddress(tcp.host(), tcp.port());
            case Address.Unix unix -> UnixDomainSocketAddress.of(unix.path());
            case Address.Abstract abs ->
                throw new IllegalArgumentException("abstract socket " + abs + " has no JDK address");
        };
    }

    static Address fromSocketAddress(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet -> Address.Tcp.of(inet);
            case UnixDomainSocketAddress unix -> new Address.Unix(unix.getPath());
            default -> throw new IllegalArgumentException("unsupported socket address " + address);
        };
    }

    /** A listening socket of a {@link Listener}. */
    interface Server {
        /** Waits for the next client; closing the server from another thread ends the wait. */
        Accepted accept() throws IOException;

        /** The bound address, with the real port when port 0 was asked for. */
        Address address() throws IOException;

        void close() throws IOException;
    }

    /** An accepted client: its end and its address as Python's {@code last_accepted} reports it. */
    record Accepted(Endpoint end, Address peer) {}

    /** Binds and listens; TCP sockets reuse the address as Python does on POSIX. */
    static Server listen(Address address, int backlog) throws IOException {
        if (address instanceof Address.Abstract abs) {
            AbstractSocketEnd server = AbstractSocketEnd.listen(abs.name(), backlog);
            return new Server() {
                @Override
                public Accepted accept() throws IOException {
                    // The JDK cannot name abstract peers either; Python reports an unnamed client as ''.
                    return new Accepted(server.accept(), new Address.Unix(Path.of("")));
                }

                @Override
                public Address address() {
                    return abs;
                }

                @Override
                public void close() {
                    server.close();
                }
            };
        }
        ServerSocketChannel server = bind(address, backlog);
        return new Server() {
            @Override
            public Accepted accept() throws IOException {
                SocketChannel channel = server.accept();
                try {
                    configure(channel);
                    return new Accepted(new ChannelEnd(channel), fromSocketAddress(channel.getRemoteAddress()));
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            }

            @Override
            public Address address() throws IOException {
                return fromSocketAddress(server.getLocalAddress());
            }

            @Override
            public void close() throws IOException {
                server.close();
            }
        };
    }

    private static ServerSocketChannel bind(Address address, int backlog) throws IOException {
        SocketAddress socketAddress = toSocketAddress(address);
        ServerSocketChannel server = address instanceof Address.Tcp
                ? ServerSocketChannel.open()
                : ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            if (address instanceof Address.Tcp) {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                if (((InetSocketAddress) socketAddress).isUnresolved()) {
                    throw new IOException("cannot resolve host of " + address);
                }
            }
            server.bind(socketAddress, backlog);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** A connected socket end, with Nagle's algorithm off for TCP so small messages leave at once. */
    static Endpoint connect(Address address) throws IOException {
        if (address instanceof Address.Abstract abs) {
            return AbstractSocketEnd.connect(abs.name());
        }
        SocketChannel channel = SocketChannel.open(toSocketAddress(address));
        try {
            configure(channel);
            return new ChannelEnd(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void configure(SocketChannel channel) throws IOException {
        if (channel.getRemoteAddress() instanceof InetSocketAddress) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }
}
