package dev.interproc.manager;

import java.util.NoSuchElementException;

/**
 * A proxy of a shared {@code Namespace}: named attributes that every holder of a proxy reads and sets, one round
 * trip and atomic each.
 */
public final class ManagedNamespace extends ManagedObject {

    ManagedNamespace(ManagerClient client, String ident) {
        super(client, ident);
    }

    /**
     * Reads an attribute.
     *
     * @param name the attribute's name
     * @return its value
     * @throws NoSuchElementException if the namespace has no such attribute (Python's {@code AttributeError})
     */
    public Object get(String name) {
        try {
            return handle.call("__getattribute__", name);
        } catch (ManagerException e) {
            throw ProxyHandle.translated(e, "AttributeError", NoSuchElementException::new);
        }
    }

    /**
     * Sets an attribute.
     *
     * @param name the attribute's name; one starting with an underscore is refused, as Python's proxy does
     * @param value its new value
     * @throws IllegalArgumentException if {@code name} starts with an underscore
     */
    public void set(String name, Object value) {
        if (name.startsWith("_")) {
            throw new IllegalArgumentException("a namespace attribute starting with '_' stays on the proxy in Python"
                    + " and never reaches the server: " + name);
        }
        handle.call("__setattr__", name, value);
    }

    /**
     * Removes an attribute.
     *
     * @param name the attribute's name
     * @throws NoSuchElementException if the namespace has no such attribute
     */
    public void remove(String name) {
        try {
            handle.call("__delattr__", name);
        } catch (ManagerException e) {
            throw ProxyHandle.translated(e, "AttributeError", NoSuchElementException::new);
        }
    }
}
