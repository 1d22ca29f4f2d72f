package dev.interproc;

/**
 * Implemented by an enum whose constants carry explicit, stable codes: the ints a {@link SharedEnum}
 * stores. Without it the code of a constant is its ordinal, which changes when constants are
 * reordered; with it, constants can be reordered or added between releases without changing what a
 * stored state means, and the codes can match a Python {@code IntEnum}.
 *
 * <pre>{@code
 * enum WorkerStatus implements CodedEnum {
 *     UNAVAILABLE(0), IDLE(1), CALCULATING(2), SHUTTING_DOWN(3);
 *     private final int code;
 *     WorkerStatus(int code) { this.code = code; }
 *     public int code() { return code; }
 * }
 * }</pre>
 *
 * Codes must be unique within the enum and must not change while any process uses a region.
 */
public interface CodedEnum {

    /**
     * The stored code of this constant.
     *
     * @return the code, unique within the enum and stable across releases
     */
    int code();
}
