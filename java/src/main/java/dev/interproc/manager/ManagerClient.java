package dev.interproc.manager;

import dev.interproc.codec.Codec;
import dev.interproc.connection.Address;
import dev.interproc.connection.AuthenticationException;
import dev.interproc.connection.Client;
import dev.interproc.connection.Connection;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BiFunction;

/**
 * A client of a manager server, a {@link ManagerServer} or Python's {@code SyncManager}: creates shared objects
 * there and returns proxies that implement the Java interfaces ({@link ManagedMap}, {@link ManagedList},
 * {@link ManagedQueue}, {@link ManagedLock}).
 *
 * <p>Calls travel on method-call channels (Python's {@code accept_connection}): a calling thread takes an idle
 * channel or opens one, so threads call concurrently and a thread blocked in {@code take()} holds its own
 * channel only. Server-level requests ({@code create}, {@code incref}, {@code decref}) each use a new
 * connection, as Python's client does, when the server is Python's; a {@link ManagerServer} also answers them on a
 * method-call channel, which the client learns once with a {@code dummy} there, and then sends them so (no
 * connection and handshake each). Every connection is authenticated with the key.
 *
 * <p>A proxy holds one reference to its object on the server: {@code close()} on the proxy, or the proxy
 * becoming unreachable, drops it. If the server dies, a call blocked on it and every later call fail with
 * {@link ManagerDiedException}.
 *
 * <p>Thread-safety: a client and its proxies may be used from any number of threads.
 */
public final class ManagerClient implements AutoCloseable {

    private static final Cleaner CLEANER = Cleaner.create();
    /** The clients of this JVM not closed: what a proxy received for another manager's address is rebuilt with. */
    private static final Set<ManagerClient> OPEN = ConcurrentHashMap.newKeySet();

    /** The server functions a {@link ManagerServer} also answers on a method-call channel. */
    private static final Set<String> CHANNEL_FUNCTIONS = Set.of("create", "incref", "decref");

    private final Address address;
    private final byte[] authkey;
    private final ConcurrentLinkedDeque<Connection> idleChannels = new ConcurrentLinkedDeque<>();
    private final Set<Connection> channels = ConcurrentHashMap.newKeySet();
    /** The protocol's codec, with a pickled proxy decoded as a live proxy ({@link #rebuild}). */
    private final Codec codec = new Codec() {
        @Override
        public byte[] encode(Object value) throws IOException {
            return Protocol.CODEC.encode(value);
        }

        @Override
        public Object decode(byte[] payload) throws IOException {
            Object decoded = Protocol.CODEC.decode(payload);
            try {
                return Proxies.rebuildAll(decoded, ManagerClient.this::rebuild);
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public boolean requiresAuthenticatedPeer() {
            return Protocol.CODEC.requiresAuthenticatedPeer();
        }
    };

    private volatile boolean closed;
    /** Whether server functions may go on a channel: null until {@link #serverFunctionsOnChannels()} asked. */
    private volatile Boolean serverFunctionsOnChannels;

    private ManagerClient(Address address, byte[] authkey) {
        this.address = address;
        this.authkey = authkey.clone();
    }

    /**
     * Connects to the manager at {@code address}: Python's {@code manager.connect()}, which checks the address
     * and the key with a {@code dummy} request.
     *
     * @param address the server's address
     * @param authkey the server's key
     * @return the client
     * @throws AuthenticationException if the key is wrong ("digest sent was rejected")
     * @throws IOException if nothing answers at the address
     */
    public static ManagerClient connect(Address address, byte[] authkey) throws IOException {
        ManagerClient client = new ManagerClient(address, authkey);
        try (Connection connection = Client.connect(address, client.authkey)) {
            client.exchange(connection, Protocol.requestOf(null, "dummy"));
        }
        OPEN.add(client);
        return client;
    }

    /**
     * Creates a new, empty shared {@code dict}.
     *
     * @param <K> the key type
     * @param <V> the value type
     * @return its proxy, holding one reference
     */
    public <K, V> ManagedMap<K, V> dict() {
        return new ManagedMap<>(this, create("dict"));
    }

    /**
     * Creates a new, empty shared {@code list}.
     *
     * @param <E> the element type
     * @return its proxy, holding one reference
     */
    public <E> ManagedList<E> list() {
        return new ManagedList<>(this, create("list"));
    }

    /**
     * Creates a new, unbounded shared {@code Queue}.
     *
     * @param <E> the element type
     * @return its proxy, holding one reference
     */
    public <E> ManagedQueue<E> queue() {
        Object[] created = createReply("Queue");
        ManagedQueue<E> queue = new ManagedQueue<>(this, (String) created[0]);
        queue.handle().describe("Queue", (Object[]) created[1]);
        return queue;
    }

    /** {@return a new shared {@code Lock}, which any holder of a proxy may release} */
    public ManagedLock lock() {
        return new ManagedLock(this, create("Lock"));
    }

    /**
     * Creates a shared {@code Value}, Python's {@code SyncManager.Value(typecode, value)}.
     *
     * @param typecode the {@code array}/{@code ctypes} typecode Python shows in its repr, such as {@code "i"} or
     *     {@code "d"} (the server holds any value; the typecode is not enforced, as in Python)
     * @param initial the first value
     * @param <V> the type of the value
     * @return its proxy, holding one reference
     */
    public <V> ManagedValue<V> value(String typecode, V initial) {
        return new ManagedValue<>(this, create("Value", typecode, initial));
    }

    /**
     * A new proxy of the value of {@code ident}; see {@link #dict(String)} (the other new types attach with
     * {@link #attach(Class, String)}; this one has a method for its type argument).
     *
     * @param ident the object's ident on this client's server
     * @param <V> the type of the value
     * @return a proxy holding a reference of its own
     */
    public <V> ManagedValue<V> value(String ident) {
        return new ManagedValue<>(this, attach(ident));
    }

    /** {@return a new shared {@code Event}, not set} */
    public ManagedEvent event() {
        return new ManagedEvent(this, create("Event"));
    }

    /**
     * Creates a shared {@code Semaphore}.
     *
     * @param permits the permits it starts with
     * @return its proxy, holding one reference
     */
    public ManagedSemaphore semaphore(int permits) {
        return new ManagedSemaphore(this, create("Semaphore", checkedCount("permits", permits, 0)));
    }

    /**
     * Creates a shared {@code BoundedSemaphore}, which refuses a release beyond its initial permits.
     *
     * @param permits the permits it starts with, and the most it can hold
     * @return its proxy, holding one reference
     */
    public ManagedSemaphore boundedSemaphore(int permits) {
        return new ManagedSemaphore(this, create("BoundedSemaphore", checkedCount("permits", permits, 0)));
    }

    /**
     * Creates a shared {@code Barrier}.
     *
     * @param parties the number of parties that must arrive, at least 1
     * @return its proxy, holding one reference
     */
    public ManagedBarrier barrier(int parties) {
        return new ManagedBarrier(this, create("Barrier", checkedCount("parties", parties, 1)));
    }

    /** {@return a new shared {@code Namespace}, with no attributes} */
    public ManagedNamespace namespace() {
        return new ManagedNamespace(this, create("Namespace"));
    }

    /**
     * Creates a shared {@code Array}, Python's {@code SyncManager.Array(typecode, sequence)}.
     *
     * @param typecode an {@code array} typecode: {@code "i"}, {@code "l"}, {@code "q"}, {@code "d"}...
     * @param values the elements
     * @return its proxy, holding one reference
     */
    public ManagedArray array(String typecode, List<? extends Number> values) {
        return new ManagedArray(this, create("Array", typecode, new ArrayList<>(values)));
    }

    /**
     * A new proxy of an object another proxy refers to, by its ident: how a proxy of any type travels to another
     * process (Python passes a token and increfs it when rebuilt, as here).
     *
     * @param proxyType the proxy class: {@code ManagedValue}, {@code ManagedEvent}, {@code ManagedSemaphore},
     *     {@code ManagedBarrier}, {@code ManagedNamespace}, {@code ManagedArray}, or one of the types that also have
     *     a method of their own ({@link #dict(String)}...)
     * @param ident the object's ident on this client's server
     * @param <P> the proxy type
     * @return a proxy holding a reference of its own
     * @throws ManagerException ({@code builtins.KeyError}) if the server holds no such object
     * @throws IllegalArgumentException if {@code proxyType} is no proxy class
     */
    public <P extends AutoCloseable> P attach(Class<P> proxyType, String ident) {
        BiFunction<ManagerClient, String, ?> proxy = Proxies.constructor(proxyType);
        if (proxy == null) {
            throw new IllegalArgumentException(
                    proxyType.getName() + " is no proxy class; give one of " + Proxies.proxyClassNames());
        }
        return proxyType.cast(proxy.apply(this, attach(ident)));
    }

    /**
     * Creates an object of a user-registered type (Python's {@code m.Counter(5)} after
     * {@code BaseManager.register('Counter')}) and returns a proxy implementing {@code face}: each of its methods
     * calls the remote method of the same name with the arguments as given, one round trip each, and returns the
     * result converted to its return type (a method that declares {@link InterruptedException} waits
     * interruptibly). The proxy also implements {@link ManagedProxy}, for its ident and its reference.
     *
     * @param typeid the type's name on the server (a Java server's {@link ManagerTypes}, or a Python server's
     *     registry)
     * @param face the interface the proxy implements
     * @param args the arguments of the type's factory
     * @param <T> the interface
     * @return the proxy, holding one reference
     * @throws ManagerException ({@code builtins.KeyError} in a traceback) if the server has no such type
     * @throws IllegalArgumentException if {@code face} is not an interface
     */
    public <T> T proxy(String typeid, Class<T> face, Object... args) {
        Object[] created = new Object[2];
        T proxy = UserProxy.of(
                this,
                () -> {
                    System.arraycopy(createReply(typeid, args), 0, created, 0, 2);
                    return (String) created[0];
                },
                face);
        Proxies.handleOf(proxy).describe(typeid, (Object[]) created[1]);
        return proxy;
    }

    /**
     * A new proxy implementing {@code face} of the object of {@code ident}, of any type; see
     * {@link #proxy(String, Class, Object...)} and {@link #dict(String)}.
     *
     * @param face the interface the proxy implements
     * @param ident the object's ident on this client's server
     * @param <T> the interface
     * @return a proxy holding a reference of its own
     */
    public <T> T proxy(Class<T> face, String ident) {
        return UserProxy.of(this, () -> attach(ident), face);
    }

    private static int checkedCount(String what, int count, int least) {
        if (count < least) {
            throw new IllegalArgumentException(what + " must be at least " + least + ", not " + count);
        }
        return count;
    }

    /**
     * A new proxy of the {@code dict} another proxy refers to, by its {@linkplain ManagedMap#ident() ident}: how a
     * proxy travels to another process (Python passes a token and increfs it when rebuilt, as here).
     *
     * @param ident the object's ident on this client's server
     * @param <K> the key type
     * @param <V> the value type
     * @return a proxy holding a reference of its own
     * @throws ManagerException ({@code builtins.KeyError}) if the server holds no such object
     */
    public <K, V> ManagedMap<K, V> dict(String ident) {
        return new ManagedMap<>(this, attach(ident));
    }

    /**
     * A new proxy of the list of {@code ident}; see {@link #dict(String)}.
     *
     * @param ident the object's ident on this client's server
     * @param <E> the element type
     * @return a proxy holding a reference of its own
     */
    public <E> ManagedList<E> list(String ident) {
        return new ManagedList<>(this, attach(ident));
    }

    /**
     * A new proxy of the queue of {@code ident}; see {@link #dict(String)}.
     *
     * @param ident the object's ident on this client's server
     * @param <E> the element type
     * @return a proxy holding a reference of its own
     */
    public <E> ManagedQueue<E> queue(String ident) {
        return new ManagedQueue<>(this, attach(ident));
    }

    /**
     * A new proxy of the lock of {@code ident}; see {@link #dict(String)}.
     *
     * @param ident the object's ident on this client's server
     * @return a proxy holding a reference of its own
     */
    public ManagedLock lock(String ident) {
        return new ManagedLock(this, attach(ident));
    }

    /** {@return the number of objects the server holds, Python's {@code _number_of_objects()}} */
    public int numberOfObjects() {
        return ((Number) serverCall("number_of_objects")).intValue();
    }

    /**
     * The objects the server holds, as Python's {@code _debug_info()}: for each, its ident and reference count on
     * one line, then the start of its {@code repr} on the next.
     *
     * @return the text, empty when the server holds nothing
     * @throws ManagerDiedException if the server is gone
     */
    public String debugInfo() {
        return (String) serverCall("debug_info");
    }

    /**
     * Asks the server to stop, as Python's {@code BaseManager.shutdown()} on a connected manager: it answers, then
     * closes every connection; its objects are gone, and every client's later calls fail with
     * {@link ManagerDiedException}. This client is closed too.
     *
     * @throws ManagerDiedException if the server is gone already
     */
    public void shutdownServer() {
        try {
            serverCall("shutdown");
        } finally {
            close();
        }
    }

    /** {@return the server's address} */
    public Address address() {
        return address;
    }

    /**
     * The pickle codec of this client's manager protocol, for sending proxies to other processes by any
     * {@link dev.interproc.connection.Connection} or bytes, as Python pickles them: a proxy of this library (of any
     * client) is written as Python's {@code BaseProxy.__reduce__} writes one,
     * {@code multiprocessing.managers.RebuildProxy(proxy class, Token(typeid, address, id), 'pickle', kwds)}, which
     * a Python process unpickles into a working proxy (with its {@code current_process().authkey}, as Python's
     * own pickled proxies). Decoding one makes a working proxy, as Python's {@code RebuildProxy} does: of the Java
     * proxy class of its typeid ({@code dict}: {@link ManagedMap}, {@code list}: {@link ManagedList},
     * {@code Queue}: {@link ManagedQueue}, ...; any other: an untyped {@link ManagedProxy}), holding a reference of its
     * own ({@code incref}, one connection or call), through this client if the token names its address and it is
     * open, else through another open client of this JVM connected to that address.
     *
     * <p>Decoding blocks for the {@code incref}s; it fails with an {@code IOException} naming the address when no
     * open client of this JVM is connected to the token's manager (connect one, with the key, first), and with
     * {@link ManagerException} if the server no longer holds the object.
     *
     * @return the codec, thread-safe
     */
    public Codec codec() {
        return codec;
    }

    /**
     * A live proxy of a pickled one (Python's {@code RebuildProxy}), holding its own reference, through this client
     * or the open client of this JVM connected to the token's address.
     */
    private Object rebuild(PickledProxy pickled) {
        Token token = pickled.token();
        ManagerClient client = !closed && token.isAt(Protocol.pythonAddress(address))
                ? this
                : OPEN.stream()
                        .filter(open -> token.isAt(Protocol.pythonAddress(open.address)))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("a proxy of the manager at "
                                + PythonRepr.of(token.address()) + " arrived, and no ManagerClient of this JVM is"
                                + " open to that address: connect one (ManagerClient.connect with its key) first"));
        client.serverCall("incref", token.id());
        return Proxies.adopt(client, token.id(), token.typeid(), pickled.exposed(), Object.class);
    }

    /** Closes the idle and open channels; proxies of this client fail afterwards. Idempotent. */
    @Override
    public void close() {
        OPEN.remove(this);
        closed = true;
        channels.forEach(Connection::close);
        idleChannels.clear();
    }

    /** Creates an object of {@code typeid} on the server, holding one reference, and returns its ident. */
    private String create(String typeid, Object... args) {
        return (String) createReply(typeid, args)[0];
    }

    /** Creates an object of {@code typeid} on the server, holding one reference: {@code (ident, exposed)}. */
    private Object[] createReply(String typeid, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = typeid;
        System.arraycopy(args, 0, all, 1, args.length);
        Object[] reply = (Object[]) serverCall("create", all);
        if (reply[1] instanceof List<?> exposed) {
            reply[1] = exposed.toArray();
        }
        return reply;
    }

    private String attach(String ident) {
        serverCall("incref", ident);
        return ident;
    }

    /** Drops the reference a proxy held; the server may be gone, which is then nothing to report. */
    Cleaner.Cleanable track(Object proxy, String ident) {
        return CLEANER.register(proxy, () -> {
            if (!closed) {
                try {
                    serverCall("decref", ident);
                } catch (ManagerException e) {
                    // The server died or already dropped the object: the reference is gone either way.
                }
            }
        });
    }

    /**
     * A server function on a new connection, as Python's client sends it; {@code create}, {@code incref} and
     * {@code decref} on a method-call channel instead when the server is a {@link ManagerServer}, which serves
     * them there (saving a connection and its handshake each).
     */
    Object serverCall(String function, Object... args) {
        checkOpen();
        if (CHANNEL_FUNCTIONS.contains(function) && serverFunctionsOnChannels()) {
            return callUninterruptibly(null, function, args);
        }
        byte[] request = Protocol.requestOf(null, function, args);
        try (Connection connection = Client.connect(address, authkey)) {
            return exchange(connection, request);
        } catch (IOException e) {
            throw died(function, e);
        }
    }

    /**
     * Calls a method of a managed object and waits for the result.
     *
     * @throws InterruptedException if the thread is interrupted while it waits; the channel is then closed
     * @throws ManagerException the remote exception; {@link ManagerDiedException} if the server went
     */
    Object call(String ident, String method, Object... args) throws InterruptedException {
        checkOpen();
        byte[] request = Protocol.requestOf(ident, method, args);
        Connection channel = idleChannels.pollFirst();
        boolean reusable = false;
        try {
            if (channel == null) {
                channel = openChannel();
            }
            channel.sendBytes(request);
            byte[] reply = channel.recvBytes();
            reusable = true; // the exchange is complete, whatever the reply says
            return result(reply);
        } catch (IOException e) {
            if (channel != null) {
                channels.remove(channel);
                channel.close();
            }
            if (Thread.interrupted()) { // an interrupt closes a blocked socket channel
                throw new InterruptedException(method + " was interrupted; its channel is closed");
            }
            checkOpen(); // close() ended the call: the client is closed, not the server gone
            throw died(method, e);
        } finally {
            if (reusable) {
                idleChannels.addFirst(channel);
            }
        }
    }

    /**
     * Whether the server is a {@link ManagerServer}, which has this project's extensions (server functions on a
     * method-call channel, a dict's compare-and-set methods); Python's answers {@code dummy} on a channel with a
     * traceback. Asked once, with {@code dummy}.
     */
    boolean isJavaServer() {
        return serverFunctionsOnChannels();
    }

    private boolean serverFunctionsOnChannels() {
        Boolean known = serverFunctionsOnChannels;
        if (known == null) {
            try {
                callUninterruptibly(null, "dummy");
                known = true;
            } catch (ManagerException e) {
                if (!e.pythonType().equals("RemoteError")) {
                    throw e; // the server went, or the thread was interrupted: nothing learnt
                }
                known = false;
            }
            serverFunctionsOnChannels = known;
        }
        return known;
    }

    /** {@link #call} for methods that cannot throw {@link InterruptedException}: the interrupt stays set. */
    Object callUninterruptibly(String ident, String method, Object... args) {
        try {
            return call(ident, method, args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagerException("Interrupted", method + " was interrupted", e);
        }
    }

    private Connection openChannel() throws IOException {
        Connection channel = Client.connect(address, authkey);
        channels.add(channel);
        String name =
                ProcessHandle.current().pid() + "|" + Thread.currentThread().getName();
        exchange(channel, Protocol.requestOf(null, "accept_connection", name));
        if (closed) {
            channel.close();
            checkOpen();
        }
        return channel;
    }

    /** Sends a request and returns the result of its reply. */
    private Object exchange(Connection connection, byte[] request) throws IOException {
        connection.sendBytes(request);
        return result(connection.recvBytes());
    }

    /**
     * The result of a reply, or its exception (spec 2.1's reply kinds); a new shared object ({@code #PROXY}) is a
     * {@link ReturnedProxy}, whose reference the caller adopts.
     */
    private Object result(byte[] message) {
        Object decoded;
        try {
            decoded = codec.decode(message);
        } catch (IOException e) {
            throw new ManagerException("UnpicklingError", "a reply does not decode: " + e.getMessage(), e);
        }
        if (!(decoded instanceof Object[] reply) || reply.length != 2 || !(reply[0] instanceof String kind)) {
            throw new ManagerException("ValueError", "not a manager reply: " + PythonRepr.of(decoded), null);
        }
        return switch (kind) {
            case "#RETURN" -> reply[1];
            case "#PROXY" -> ReturnedProxy.of(reply[1]);
            case "#ERROR" -> throw RemoteErrors.toJava(reply[1]);
            case "#TRACEBACK", "#UNSERIALIZABLE" ->
                throw new ManagerException("RemoteError", String.valueOf(reply[1]), null);
            default ->
                throw new ManagerException("ValueError", "Unrecognized message type " + PythonRepr.of(kind), null);
        };
    }

    /**
     * A method's new shared object ({@code #PROXY}, Python's {@code method_to_typeid}): its exposed methods and its
     * token, with one reference the server holds for the caller, who adopts it into a proxy
     * ({@link Proxies#adopt}).
     *
     * @param exposed the exposed methods
     * @param token the object's token
     */
    record ReturnedProxy(Object[] exposed, Token token) {
        static ReturnedProxy of(Object payload) {
            if (payload instanceof Object[] pair
                    && pair.length == 2
                    && pair[1] instanceof Token token
                    && (pair[0] == null || pair[0] instanceof Object[] || pair[0] instanceof List<?>)) {
                Object[] exposed = pair[0] instanceof List<?> list ? list.toArray() : (Object[]) pair[0];
                return new ReturnedProxy(exposed, token);
            }
            throw new ManagerException(
                    "ValueError", "a #PROXY reply is (exposed, Token), not " + PythonRepr.of(payload), null);
        }
    }

    private ManagerDiedException died(String what, IOException cause) {
        return new ManagerDiedException(what + ": the manager at " + address + " cannot be reached: " + cause, cause);
    }

    private void checkOpen() {
        if (closed) {
            throw new ManagerException("ValueError", "the manager client is closed", null);
        }
    }
}
