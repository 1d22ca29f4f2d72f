package dev.interproc.manager;

/**
 * What every proxy of a user-registered type made by {@link ManagerClient#proxy} also implements, beside the
 * interface it was asked for: its ident and the reference it holds.
 */
public interface ManagedProxy extends AutoCloseable {

    /** {@return the ident of the object on the server, for {@link ManagerClient#proxy(Class, String)} elsewhere} */
    String ident();

    /** Drops this proxy's reference; the object goes when no proxy references it. Idempotent. */
    @Override
    void close();
}
