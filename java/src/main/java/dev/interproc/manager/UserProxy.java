package dev.interproc.manager;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The calls of a proxy of a user-registered type ({@link ManagerClient#proxy}): each method of the interface is the
 * remote method of the same name, called with the arguments as given; a number that comes back is converted to the
 * method's return type. A method that declares {@link InterruptedException} waits interruptibly.
 */
final class UserProxy implements InvocationHandler {

    private final ManagerClient client;
    private final Class<?> face;
    private volatile ProxyHandle handle; // set once, right after the proxy is made

    private UserProxy(ManagerClient client, Class<?> face) {
        this.client = client;
        this.face = face;
    }

    /** {@return the handle of the proxy's object} */
    ProxyHandle handle() {
        return handle;
    }

    /**
     * A proxy implementing {@code face} and {@link ManagedProxy} for the object {@code ident} names, holding one
     * reference. The proxy is made before {@code ident} is asked for (which may create the object on the server), so
     * that an interface no proxy can be made for leaves nothing behind on the server.
     */
    static <T> T of(ManagerClient client, Supplier<String> ident, Class<T> face) {
        requireInterface(face);
        UserProxy handler = new UserProxy(client, face);
        ClassLoader loader =
                face.getClassLoader() != null ? face.getClassLoader() : ManagedProxy.class.getClassLoader();
        Class<?>[] faces = face == ManagedProxy.class
                ? new Class<?>[] {ManagedProxy.class}
                : new Class<?>[] {face, ManagedProxy.class};
        Object proxy = Proxy.newProxyInstance(loader, faces, handler);
        handler.handle = new ProxyHandle(client, ident.get(), proxy);
        return face.cast(proxy);
    }

    /** Refuses a class: a proxy implements an interface. Checked before anything is created on the server. */
    static void requireInterface(Class<?> face) {
        if (!face.isInterface()) {
            throw new IllegalArgumentException(face.getName() + " is no interface: a proxy implements an interface");
        }
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        Object[] given = args == null ? new Object[0] : args;
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> self == given[0];
                case "hashCode" -> System.identityHashCode(self);
                default -> face.getSimpleName() + "[" + handle + "]";
            };
        }
        if (method.getDeclaringClass() == ManagedProxy.class || method.getDeclaringClass() == AutoCloseable.class) {
            if (method.getName().equals("ident")) {
                return handle.ident();
            }
            handle.close();
            return null;
        }
        boolean interruptible = Arrays.asList(method.getExceptionTypes()).contains(InterruptedException.class);
        // The client's result as it came: a new shared object is adopted as the method's return type below.
        Object result = interruptible
                ? client.call(handle.ident(), method.getName(), given)
                : client.callUninterruptibly(handle.ident(), method.getName(), given);
        if (result instanceof ManagerClient.ReturnedProxy returned) { // method_to_typeid: a new shared object
            return Proxies.adopt(
                    client,
                    returned.token().id(),
                    returned.token().typeid(),
                    returned.exposed(),
                    method.getReturnType());
        }
        return converted(result, method);
    }

    /** The result as the method's return type: Python's ints arrive as the narrowest Java number. */
    private static Object converted(Object result, Method method) {
        Class<?> type = method.getReturnType();
        if (type == void.class || result == null || !(result instanceof Number number)) {
            return type == void.class ? null : result;
        }
        return switch (type.getName()) {
            case "int", "java.lang.Integer" -> exact(number).intValueExact();
            case "long", "java.lang.Long" -> exact(number).longValueExact();
            case "double", "java.lang.Double" -> number.doubleValue();
            case "java.math.BigInteger" -> exact(number);
            default -> result;
        };
    }

    private static BigInteger exact(Number number) {
        return number instanceof BigInteger big ? big : BigInteger.valueOf(number.longValue());
    }
}
