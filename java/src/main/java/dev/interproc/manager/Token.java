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
 * @param address the server's address, in Python's form ({@link Protocol#pythonAddress}); a decoded one is refused
 *     unless a str, bytes or a tuple of str and ints
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
        if (!isAddress(state[1])) {
            // A container here would escape the codec's depth limit, and Java would hash and compare it for ever.
            throw new IllegalArgumentException("a Token's address is a socket path (str), bytes or a (host, port)"
                    + " tuple, not " + PythonRepr.of(state[1]));
        }
        return new Token(typeid, state[1], id);
    }

    /** {@return whether {@code address} has one of Python's forms: a str, bytes, or a tuple of str and ints} */
    private static boolean isAddress(Object address) {
        return switch (address) {
            case String path -> true;
            case byte[] name -> true;
            case Object[] tuple ->
                Arrays.stream(tuple)
                        .allMatch(item -> item instanceof String
                                || item instanceof Integer
                                || item instanceof Long
                                || item instanceof java.math.BigInteger);
            case null, default -> false;
        };
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
