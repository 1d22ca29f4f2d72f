package dev.interproc.connection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Turning {@link Address}es into JDK sockets, configured as Python configures its own. */
final class Sockets {

    private Sockets() {
    }

    static SocketAddress toSocketAddress(Address address) {
        return switch (address) {
            case Address.Tcp tcp -> new InetSocketAddress(tcp.host(), tcp.port());
            case Address.Unix unix -> UnixDomainSocketAddress.of(unix.path());
            case Address.Abstract abs -> throw new UnsupportedOperationException("cannot use the Linux abstract-namespace"
                    + " socket " + abs + ": the JDK's UnixDomainSocketAddress has no form for it; use a socket file path");
        };
    }

    static Address fromSocketAddress(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet -> Address.Tcp.of(inet);
            case UnixDomainSocketAddress unix -> new Address.Unix(unix.getPath());
            default -> throw new IllegalArgumentException("unsupported socket address " + address);
        };
    }

    /** A bound, listening server socket; TCP ones reuse the address as Python does on POSIX. */
    static ServerSocketChannel listen(Address address, int backlog) throws IOException {
        SocketAddress socketAddress = toSocketAddress(address);
        ServerSocketChannel server = address instanceof Address.Tcp
                ? ServerSocketChannel.open() : ServerSocketChannel.open(StandardProtocolFamily.UNIX);
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

    /** A connected socket, blocking, with Nagle's algorithm off for TCP so small messages leave at once. */
    static SocketChannel connect(Address address) throws IOException {
        SocketChannel channel = SocketChannel.open(toSocketAddress(address));
        configureAccepted(channel);
        return channel;
    }

    static void configureAccepted(SocketChannel channel) throws IOException {
        if (channel.getRemoteAddress() instanceof InetSocketAddress) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }
}
