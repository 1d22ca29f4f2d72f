package dev.interproc.manager;

import dev.interproc.codec.PythonClass;
import java.util.Arrays;
import java.util.Objects;

/**
 * Python's {@code multiprocessing.managers.Token}: what names a shared object everywhere, its typeid, its server's
 * address (as Python writes it: a socket path string, a {@code (host, port)} tuple, or bytes) and its ident. Python
 * 3 pickles it as {@code Token.__new__(Token)} and then {@code __setstate__((typeid, address, id))}, and so does this
 * mapping.
 *
 * @param typeid the registered type's name
 * @param address the server's address, in Python's form ({@link Protocol#pythonAddress})
 * @param id the object's ident on that server
 */
record Token(String typeid, Object address, String id) {

    static final PythonClass<Token> PYTHON_CLASS = new PythonClass<>(
            Protocol.MANAGERS,
            "Token",
            Token.class,
            Token::fromState,
            token -> new Object[] {token.typeid, token.address, token.id},
            true);

    Token {
        Objects.requireNonNull(typeid, "typeid");
        Objects.requireNonNull(id, "id");
    }

    private static Token fromState(Object[] state) {
        if (state.length != 3 || !(state[0] instanceof String typeid) || !(state[2] instanceof String id)) {
            throw new IllegalArgumentException(
                    "a Token's state is (typeid, address, id) of str, address and str, not " + PythonRepr.of(state));
        }
        return new Token(typeid, state[1], id);
    }

    /** {@return whether the token's address is {@code pythonAddress}} */
    boolean isAt(Object pythonAddress) {
        return Arrays.deepEquals(new Object[] {address}, new Object[] {pythonAddress});
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Token token
                && typeid.equals(token.typeid)
                && id.equals(token.id)
                && token.isAt(address);
    }

    @Override
    public int hashCode() {
        return Objects.hash(typeid, id, Arrays.deepHashCode(new Object[] {address}));
    }

    /** Python's repr, {@code Token(typeid='dict', address='/tmp/...', id='7f...')}. */
    @Override
    public String toString() {
        return "Token(typeid=" + PythonRepr.of(typeid) + ", address=" + PythonRepr.of(address) + ", id="
                + PythonRepr.of(id) + ")";
    }
}
