package dev.interproc.manager;

import dev.interproc.connection.Connection;
import java.io.EOFException;
import java.io.IOException;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serves one authenticated connection as Python's {@code Server.handle_request} and {@code serve_client} do
 * (spec 2.1-2.2): one server-level request, or, after {@code accept_connection}, method calls until the client
 * goes. Nothing is decoded before the connection is authenticated: the {@link dev.interproc.connection.Listener}
 * hands over a connection only after the handshake.
 */
final class RequestHandler {

    private static final Set<String> SERVER_FUNCTIONS = Set.of(
            "shutdown",
            "create",
            "accept_connection",
            "get_methods",
            "debug_info",
            "number_of_objects",
            "dummy",
            "incref",
            "decref");

    /** The server functions also served on a method-call channel: see {@link #callServerFunction}. */
    private static final Set<String> CHANNEL_FUNCTIONS =
            Set.of("create", "incref", "decref", "dummy", "get_methods", "debug_info", "number_of_objects");

    private final ManagerServer server;
    private final ObjectTable table;

    RequestHandler(ManagerServer server, ObjectTable table) {
        this.server = server;
        this.table = table;
    }

    /**
     * Answers the connection's one request.
     *
     * @return the name the client gave a method-call channel ({@code accept_connection}), which the caller then
     *     serves with {@link #serveCalls}; null when the connection is done
     */
    String serve(Connection connection) throws IOException {
        byte[] message = connection.recvBytes();
        Object[] reply;
        String function = null;
        String channelName = null;
        try {
            Object[] request = request(message);
            function = serverFunction(request);
            Arguments arguments = new Arguments(function, tuple(request[2]), keywords(request[3]));
            if (function.equals("accept_connection")) {
                channelName = String.valueOf(arguments.required(0, "name"));
            }
            reply = new Object[] {"#RETURN", call(function, arguments)};
        } catch (RuntimeException | IOException | StackOverflowError e) { // a bad request, or a failed call
            reply = new Object[] {"#TRACEBACK", PythonError.traceback(e)};
        }
        send(connection, reply);
        if (channelName != null && reply[0].equals("#RETURN")) {
            return channelName;
        }
        if ("shutdown".equals(function)) {
            server.close();
        }
        return null;
    }

    /** {@return the server function a request names}, or Python's AssertionError if it names none */
    private static String serverFunction(Object[] request) {
        if (request[1] instanceof String name && SERVER_FUNCTIONS.contains(name)) {
            return name;
        }
        throw new PythonError("builtins", "AssertionError", PythonRepr.of(request[1]) + " unrecognized");
    }

    /**
     * A server function asked on a method-call channel (ident None), an extension of this server that Python's
     * answers with a traceback: {@link ManagerClient} asks {@code dummy} so once to learn whether it may send
     * {@code create}, {@code incref} and {@code decref} on its channel instead of a new connection each.
     * {@code shutdown} and {@code accept_connection} stay on a connection of their own.
     */
    private Object[] callServerFunction(Object[] request) {
        String function = serverFunction(request);
        if (!CHANNEL_FUNCTIONS.contains(function)) {
            throw PythonError.valueError(function + " is not served on a method-call channel");
        }
        return new Object[] {"#RETURN", call(function, new Arguments(function, tuple(request[2]), keywords(request[3])))
        };
    }

    private Object call(String function, Arguments arguments) {
        return switch (function) {
            case "dummy" -> null;
            case "accept_connection" -> null; // the connection becomes a method-call channel once answered
            case "create" -> create(arguments);
            case "incref" -> {
                table.incref(arguments.required(0, "ident"));
                yield null;
            }
            case "decref" -> {
                table.decref(arguments.required(0, "ident"));
                yield null;
            }
            case "get_methods" -> { // Python's client sends the Token (AutoProxy), ours the ident
                Object named = arguments.required(0, "token");
                yield table.get(named instanceof Token token ? token.id() : named)
                        .type()
                        .exposed()
                        .toArray();
            }
            case "number_of_objects" -> table.size();
            case "debug_info" -> table.debugInfo();
            default -> null; // shutdown: the server stops once the reply is sent
        };
    }

    /** {@code create(typeid, *args, **kwds)}: makes, stores, and answers {@code (ident, exposed)}. */
    private Object[] create(Arguments arguments) {
        Object[] all = arguments.positional();
        if (all.length == 0 || !(all[0] instanceof String typeid)) {
            throw PythonError.typeError("create() missing required argument: 'typeid'");
        }
        Registry.Type type = server.types().get(typeid);
        if (type == null || type.factory() == null) {
            throw PythonError.keyError(typeid);
        }
        Object[] rest = Arrays.copyOfRange(all, 1, all.length);
        Referent referent = type.factory().create(new Arguments(typeid, rest, arguments.keywords()));
        return new Object[] {table.add(typeid, type, referent), type.exposed().toArray()};
    }

    /**
     * The method-call channel: one reply per request, until end of file. The reply sent last is held until the next
     * request comes (or the channel ends): the stored proxies in it ({@code queue.get()} of one, {@code dict.pop})
     * may have left their only store, and the client increfs them (its {@code RebuildProxy}) before it sends
     * anything more on this channel; held, their objects are still there for that {@code incref}, whatever the
     * garbage collector does meanwhile. (Python's {@code serve_client} holds its last reply as long, in its locals.)
     */
    void serveCalls(Connection connection) throws IOException, InterruptedException {
        Object[] sent = null;
        while (true) {
            byte[] message;
            try {
                message = connection.recvBytes();
            } catch (EOFException e) {
                return;
            } finally {
                Reference.reachabilityFence(sent);
            }
            Object[] reply;
            try {
                Object[] request = request(message);
                reply = request[0] == null ? callServerFunction(request) : callMethod(request);
            } catch (RuntimeException | IOException | StackOverflowError e) {
                reply = new Object[] {"#TRACEBACK", PythonError.traceback(e)};
            }
            send(connection, reply);
            sent = reply;
        }
    }

    private Object[] callMethod(Object[] request) throws InterruptedException {
        ObjectTable.Entry entry = table.get(request[0]);
        String method = String.valueOf(request[1]);
        Arguments arguments = new Arguments(method, tuple(request[2]), keywords(request[3]));
        if (!entry.type().exposed().contains(method)) {
            return new Object[] {"#RETURN", fallback(entry, method, request[1])};
        }
        Object result;
        try {
            result = entry.referent().call(method, arguments);
        } catch (PythonError e) {
            return new Object[] {"#ERROR", e.toPython()};
        } catch (StackOverflowError e) { // comparing two cyclic lists, as Python's own comparison would
            return new Object[] {"#ERROR", PythonError.recursionError().toPython()};
        }
        String typeid = entry.type().methodToTypeid().get(method);
        if (typeid == null) {
            return new Object[] {"#RETURN", result};
        }
        Registry.Type type = server.types().get(typeid);
        if (type == null) {
            throw PythonError.keyError(typeid);
        }
        String ident = table.add(typeid, type, server.types().referent(typeid, result));
        Token token = new Token(typeid, server.pythonAddress(), ident);
        return new Object[] {"#PROXY", new Object[] {type.exposed().toArray(), token}};
    }

    /** The methods every object answers although not exposed: {@code __str__}, {@code __repr__}, {@code #GETVALUE}. */
    private static Object fallback(ObjectTable.Entry entry, String method, Object asked) {
        return switch (method) {
            case "__str__", "__repr__" -> entry.referent().repr();
            case "#GETVALUE" -> entry.referent().value();
            default ->
                throw PythonError.attributeError("method " + PythonRepr.of(asked) + " of <class '" + entry.typeid()
                        + "'> object is not in exposed="
                        + PythonRepr.of(Set.copyOf(entry.type().exposed())));
        };
    }

    /** Sends a reply; one the codec cannot encode becomes {@code #UNSERIALIZABLE}, as in Python. */
    private void send(Connection connection, Object[] reply) throws IOException {
        byte[] encoded;
        try {
            encoded = server.codec().encode(reply);
        } catch (IOException e) {
            encoded = server.codec().encode(new Object[] {"#UNSERIALIZABLE", PythonError.traceback(e)});
        }
        connection.sendBytes(encoded);
    }

    /** Decodes a request, a 4-tuple; a bad pickle or shape is the client's TypeError or decoding failure. */
    private Object[] request(byte[] message) throws IOException {
        Object decoded = server.codec().decode(message);
        if (!(decoded instanceof Object[] request) || request.length != 4) {
            throw PythonError.valueError(
                    "a request is a tuple (ident, methodname, args, kwds), not " + PythonRepr.of(decoded));
        }
        return request;
    }

    private static Object[] tuple(Object args) {
        return switch (args) {
            case Object[] tuple -> tuple;
            case List<?> list -> list.toArray();
            default -> throw PythonError.typeError("args must be a tuple, not " + Arguments.typeName(args));
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> keywords(Object kwds) {
        if (kwds instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
            return (Map<String, Object>) map;
        }
        throw PythonError.typeError("keywords must be a dict of str, not " + Arguments.typeName(kwds));
    }
}
