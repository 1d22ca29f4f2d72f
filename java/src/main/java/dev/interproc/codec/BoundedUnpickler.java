package dev.interproc.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.PythonException;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ExceptionConstructor;
import net.razorvine.pickle.objects.SetConstructor;

/**
 * Pyrolite's unpickler with the work one pickle can cause bounded by {@link PickleLimits}: time linear in the
 * pickle's size, memory proportional to it, no recursion deeper than the depth limit. One instance decodes one
 * pickle.
 *
 * <p>It subclasses Pyrolite rather than validating the opcodes in a pass before it, because what costs time
 * depends on the objects the opcodes build, not on the opcodes alone: how deep a value nests once memo
 * references ({@code GET}) are resolved, which containers end up hashed as set elements or dict keys. A
 * separate pass would have to rebuild those objects; here they are at hand. So this class takes over the
 * opcodes whose Pyrolite versions cost more than linear time or recurse without bound, follows the depth of
 * every container as the opcodes build and fill it (so a too deep pickle is refused as soon as it passes the
 * limit, after work proportional to the limit, not to the pickle), and checks the finished value's depth once
 * more, iteratively, for what the memo lets a pickle nest after the fact (an item added to a container that is
 * already inside others):
 *
 * <ul>
 *   <li>INT and LONG: decimal text, whose parsing is quadratic; the digits are counted first.
 *   <li>FROZENSET: builds a {@link FrozenSet}, which caches its hash, so that nested frozensets are hashed once
 *       each, and refuses one nested deeper than the limit before hashing it. Frozensets with one hash may be
 *       compared at most 100,000 times more than the pickle has bytes (see {@link FrozenSet}).
 *   <li>DICT, SETITEM, SETITEMS, ADDITEMS and {@code set(...)}: refuse a list, dict or set as a key or element,
 *       as CPython does ("unhashable type"): their Java hash recurses through all they hold, and they can still
 *       change after being hashed. What is left to hash is cheap: scalars, tuples (arrays hash by identity) and
 *       frozensets (cached).
 *   <li>BINUNICODE, SHORT_BINUNICODE, BINUNICODE8 and UNICODE: decoded as CPython does ({@link PickleText}),
 *       refusing malformed text where Pyrolite would put U+FFFD in it.
 *   <li>GLOBAL, STACK_GLOBAL and INST: the classes of {@link PythonTypes}, Pyrolite's built-in values and
 *       exceptions, and the globals registered as values ({@link PythonGlobal}, never called); any other class is
 *       refused (Pyrolite would make a dictionary of it). BUILD (setting an object's state) only on exceptions and
 *       on classes mapped {@linkplain PythonClass#byState() by state}, whose NEWOBJ makes a placeholder that BUILD
 *       turns into the Java value (a memo reference to it taken after BUILD gets the value; one taken before,
 *       which would leave the placeholder in the value, is refused).
 *   <li>Opcodes with a length: the length is checked against the bytes left before Pyrolite allocates it.
 * </ul>
 */
final class BoundedUnpickler extends Unpickler {

    /**
     * Frozenset comparisons any pickle may make, whatever its size: equal sums of small ints are common ({1, 4}
     * and {2, 3}), and legitimate sets of a few thousand frozensets must not be refused for them.
     */
    private static final long COMPARISONS_ALWAYS_ALLOWED = 100_000;

    /** Pyrolite's constructors that stay: they make built-in values, never arbitrary classes. */
    private static final Set<String> PYROLITE_CONSTRUCTORS = Set.of(
            "builtins.set",
            "__builtin__.set",
            "builtins.bytearray",
            "__builtin__.bytearray",
            "__builtin__.bytes",
            "_codecs.encode");

    private final PickleLimits limits;
    private final PythonTypes types;
    private final Set<Object> shared = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The depth of each container built or filled so far: 1 for one that holds no container. */
    private final Map<Object, Integer> depths = new IdentityHashMap<>();
    /** MARKs on the stack that no opcode has consumed yet: each opens a container still being built. */
    private int openMarks;
    /** Pyrolite's mark object, learnt from the first MARK: a POP of it consumes a MARK (protocol 0's recursion). */
    private Object marker;
    /** Objects of classes mapped by state that NEWOBJ made and BUILD has not set yet. */
    private int unbuilt;

    BoundedUnpickler(PickleLimits limits, PythonTypes types) {
        this.limits = limits;
        this.types = types;
    }

    /**
     * Decodes one pickle.
     *
     * @throws PickleException if the pickle is malformed or exceeds a limit (the message names the limit)
     * @throws IOException if the pickle ends early
     */
    Object decode(byte[] payload) throws IOException {
        Object value = FrozenSet.withComparisonBudget(
                COMPARISONS_ALWAYS_ALLOWED + payload.length, () -> load(new ByteArrayInputStream(payload)));
        if (unbuilt != 0) {
            throw new PickleException(unbuilt + " object(s) of a class mapped by state (PythonClass.byState) made by"
                    + " NEWOBJ never had their state set by BUILD");
        }
        limits.checkDepth(value, shared);
        return value;
    }

    @Override
    protected Object dispatch(short opcode) throws IOException {
        checkAnnouncedLength(opcode);
        countConsumedMarks(opcode);
        switch (opcode) {
            case Opcodes.MARK -> {
                if (++openMarks > 2L * (limits.maxDepth() + 1)) {
                    throw new PickleException(openMarks + " MARKs open at once (a value takes at most two per level)"
                            + " exceeds the limit of " + limits.maxDepth()
                            + " levels (PickleCodec.builder().maxDepth(...) sets it)");
                }
                stack.add_mark();
                if (marker == null) {
                    marker = stack.peek();
                }
            }
            case Opcodes.INT -> stack.add(parseIntOpcode(PickleUtils.readline(input)));
            case Opcodes.LONG -> {
                String text = PickleUtils.readline(input);
                String digits = text.endsWith("L") ? text.substring(0, text.length() - 1) : text;
                stack.add(PickleUtils.optimizeBigint(limits.parseInteger(digits)));
            }
            case Opcodes.SHORT_BINUNICODE -> stack.add(readUtf8(PickleUtils.readbyte(input)));
            case Opcodes.BINUNICODE ->
                stack.add(readUtf8(PickleUtils.bytes_to_integer(PickleUtils.readbytes(input, 4))));
            case Opcodes.BINUNICODE8 ->
                stack.add(readUtf8(PickleUtils.bytes_to_long(PickleUtils.readbytes(input, 8), 0)));
            case Opcodes.UNICODE -> stack.add(PickleText.decodeRawUnicodeEscape(PickleUtils.readline(input)));
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                stack.add(resolve(module, PickleUtils.readline(input)));
            }
            case Opcodes.STACK_GLOBAL -> {
                String name = (String) stack.pop();
                stack.add(resolve((String) stack.pop(), name));
            }
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input);
                IObjectConstructor constructor = callable(resolve(module, PickleUtils.readline(input)));
                stack.add(constructor.construct(stack.pop_all_since_marker().toArray()));
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                if (stack.peek() instanceof PythonTypes.Pending pending) {
                    stack.pop();
                    stack.add(pending.build(state));
                    unbuilt--;
                    return NO_RETURN_VALUE;
                }
                if (!(stack.peek() instanceof PythonException)) {
                    throw new PickleException("the pickle sets the state of a "
                            + stack.peek().getClass().getName()
                            + " (BUILD), which a PythonClass mapping cannot take: give the Python class a"
                            + " __reduce__ returning (cls, args)");
                }
                stack.add(state);
                return super.dispatch(opcode);
            }
            case Opcodes.GET, Opcodes.BINGET, Opcodes.LONG_BINGET, Opcodes.DUP -> {
                super.dispatch(opcode);
                if (stack.peek() instanceof PythonTypes.Pending pending) {
                    if (pending.built() == null) {
                        // Python's object is the same before and after BUILD; this codec's value exists only after
                        throw new PickleException("the pickle refers to a " + pending
                                + " (memo or DUP) before BUILD set its state, which PickleCodec cannot make: a"
                                + " PythonClass mapped by state is made by BUILD");
                    }
                    stack.pop(); // the memo holds what NEWOBJ made; BUILD has made the value since
                    stack.add(pending.built());
                }
                if (PickleLimits.isContainer(stack.peek())) {
                    shared.add(stack.peek());
                }
            }
            case Opcodes.FROZENSET -> {
                List<Object> items = stack.pop_all_since_marker();
                int depth = depthAbove(items);
                stack.add(new FrozenSet(hashable(items), limits));
                grown(stack.peek(), depth);
            }
            case Opcodes.ADDITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                if (stack.peek() instanceof FrozenSet) {
                    throw new PickleException("ADDITEMS on a frozenset");
                }
                @SuppressWarnings("unchecked")
                Set<Object> set = (Set<Object>) stack.peek();
                set.addAll(hashable(items));
                grown(set, depthAbove(items));
            }
            case Opcodes.DICT -> {
                List<Object> pairs = stack.pop_all_since_marker();
                stack.add(putPairs(new HashMap<>(), pairs));
                grown(stack.peek(), depthAbove(pairs));
            }
            case Opcodes.SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                putPairs(stack.peek(), pairs);
                grown(stack.peek(), depthAbove(pairs));
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object key = stack.pop();
                putPairs(stack.peek(), Arrays.asList(hashable(key), value));
                grown(stack.peek(), depthAbove(Arrays.asList(key, value)));
            }
            case Opcodes.TUPLE, Opcodes.TUPLE1, Opcodes.TUPLE2, Opcodes.TUPLE3, Opcodes.LIST -> {
                super.dispatch(opcode);
                Object built = stack.peek();
                grown(built, depthAbove(PickleLimits.children(built)));
            }
            case Opcodes.APPEND -> {
                int depth = depthAbove(Collections.singletonList(stack.peek()));
                super.dispatch(opcode);
                grown(stack.peek(), depth);
            }
            case Opcodes.APPENDS -> {
                List<Object> items = stack.pop_all_since_marker();
                int depth = depthAbove(items);
                stack.add_mark();
                items.forEach(stack::add);
                super.dispatch(opcode);
                grown(stack.peek(), depth);
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object arguments = stack.pop();
                callable(stack.peek());
                if (stack.peek() instanceof SetConstructor
                        && arguments instanceof Object[] tuple
                        && tuple.length > 0
                        && tuple[0] instanceof Collection<?> items) {
                    hashable(items);
                }
                stack.add(arguments);
                super.dispatch(opcode);
                if (stack.peek() instanceof PythonTypes.Pending) {
                    unbuilt++;
                }
            }
            default -> {
                return super.dispatch(opcode);
            }
        }
        return NO_RETURN_VALUE;
    }

    /**
     * Counts down the MARKs that {@code opcode} consumes; MARK itself counts up where it is dispatched, and refuses
     * more open at once than twice the depth limit. Every open MARK starts a container (or the argument tuple of a
     * class) that holds what comes after it, the later ones included, so a value of depth d needs at most two per
     * level (a protocol-1 set is a class call whose argument tuple holds a list). A run of MARKs past that is
     * refused at once, after work proportional to the limit, instead of after reading all of them (100,000 cost 4
     * ms of CPU each time).
     */
    private void countConsumedMarks(short opcode) {
        switch (opcode) {
            case Opcodes.POP -> {
                if (marker != null && stack.size() > 0 && stack.peek() == marker) {
                    openMarks = Math.max(0, openMarks - 1);
                }
            }
            case Opcodes.TUPLE,
                    Opcodes.LIST,
                    Opcodes.DICT,
                    Opcodes.APPENDS,
                    Opcodes.SETITEMS,
                    Opcodes.ADDITEMS,
                    Opcodes.FROZENSET,
                    Opcodes.INST,
                    Opcodes.OBJ,
                    Opcodes.POP_MARK -> openMarks = Math.max(0, openMarks - 1);
            default -> {
                // consumes no MARK
            }
        }
    }

    /** The depth of a container holding {@code items}: one more than the deepest of them. */
    private int depthAbove(Iterable<?> items) {
        return depthAbove(items.iterator());
    }

    private int depthAbove(Iterator<?> items) {
        int deepest = 0;
        while (items.hasNext()) {
            Object item = items.next();
            if (PickleLimits.isContainer(item)) {
                deepest = Math.max(deepest, depths.getOrDefault(item, 1));
            }
        }
        return deepest + 1;
    }

    /**
     * Notes that {@code container} now nests {@code depth} levels deep (it may only grow).
     *
     * @throws PickleException if that passes the depth limit
     */
    private void grown(Object container, int depth) {
        if (depth > limits.maxDepth()) {
            throw limits.tooDeep(depth);
        }
        depths.merge(container, depth, Math::max);
    }

    /** {@code global} if it may be called; a {@link PythonGlobal} may not (nor anything else but a constructor). */
    private static IObjectConstructor callable(Object global) {
        if (global instanceof IObjectConstructor constructor) {
            return constructor;
        }
        throw new PickleException("the pickle calls " + global + ", which PickleCodec decodes only as a value"
                + (global instanceof PythonGlobal ? " (registerGlobal), not as a call" : ""));
    }

    /**
     * The Java maker of values of {@code module.name}, or a {@link PythonGlobal} registered as a value; an unknown
     * class is refused, never a dictionary.
     */
    private Object resolve(String module, String name) {
        Object mapped = types.decoder(module, name);
        if (mapped != null) {
            return mapped;
        }
        String qualified = module + "." + name;
        if (qualified.equals("builtins.frozenset") || qualified.equals("__builtin__.frozenset")) {
            return (IObjectConstructor) arguments ->
                    new FrozenSet(arguments.length == 0 ? List.of() : hashable((Collection<?>) arguments[0]), limits);
        }
        if (PYROLITE_CONSTRUCTORS.contains(qualified)) {
            return objectConstructors.get(qualified);
        }
        if (module.equals("exceptions")
                || (module.equals("builtins") || module.equals("__builtin__"))
                        && (name.endsWith("Error")
                                || name.endsWith("Warning")
                                || name.endsWith("Exception")
                                || Set.of("GeneratorExit", "KeyboardInterrupt", "StopIteration", "SystemExit")
                                        .contains(name))) {
            return new ExceptionConstructor(PythonException.class, module, name);
        }
        throw new PickleException("the pickle holds a " + qualified + ", which PickleCodec does not map to a Java"
                + " type; register one with PickleCodec.builder().register(new PythonClass<>(\"" + module + "\", \""
                + name + "\", ...))");
    }

    /** Reads {@code length} bytes of UTF-8, already checked against the bytes left, as CPython decodes them. */
    private String readUtf8(long length) throws IOException {
        return PickleText.decodeUtf8(PickleUtils.readbytes(input, length));
    }

    /** INT: "01" and "00" are protocol 0's True and False; other values as small a Java type as holds them. */
    private Object parseIntOpcode(String text) {
        if (text.equals("01") || text.equals("00")) {
            return text.equals("01");
        }
        BigInteger value = limits.parseInteger(text);
        if (value.bitLength() < 32) {
            return value.intValue();
        }
        return value.bitLength() < 64 ? value.longValue() : value;
    }

    private static Map<Object, Object> putPairs(Object target, List<Object> pairs) {
        if (pairs.size() % 2 != 0) {
            throw new PickleException("odd number of items for a dict");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> dict = (Map<Object, Object>) target;
        for (int i = 0; i < pairs.size(); i += 2) {
            dict.put(hashable(pairs.get(i)), pairs.get(i + 1));
        }
        return dict;
    }

    private static <T extends Collection<?>> T hashable(T items) {
        items.forEach(BoundedUnpickler::hashable);
        return items;
    }

    /** Refuses, as CPython does, what must not be hashed: see the class comment. */
    private static Object hashable(Object key) {
        String type =
                switch (key) {
                    case FrozenSet frozen -> null;
                    case List<?> list -> "list";
                    case Set<?> set -> "set";
                    case Map<?, ?> map -> "dict";
                    case null, default -> null;
                };
        if (type != null) {
            throw new PickleException("unhashable type: '" + type + "' as a set element or dict key");
        }
        return key;
    }

    /**
     * Pyrolite allocates the array a length-prefixed opcode announces before reading it, so a few hostile bytes
     * could ask for gigabytes. Every such length is first checked against the bytes left, as CPython does.
     */
    private void checkAnnouncedLength(short opcode) throws IOException {
        int lengthSize =
                switch (opcode) {
                    case 'X', 'B', 'T', 0x8b -> 4; // BINUNICODE, BINBYTES, BINSTRING, LONG4
                    case 0x8d, 0x8e, 0x96, 0x95 -> 8; // BINUNICODE8, BINBYTES8, BYTEARRAY8, FRAME
                    default -> 0;
                };
        if (lengthSize == 0) {
            return;
        }
        ByteArrayInputStream source = (ByteArrayInputStream) input;
        source.mark(lengthSize);
        byte[] field = source.readNBytes(lengthSize);
        source.reset();
        long length = 0;
        for (int i = field.length - 1; i >= 0; i--) {
            length = length << 8 | (field[i] & 0xff);
        }
        if (field.length < lengthSize || length < 0 || length > source.available() - lengthSize) {
            throw new PickleException("opcode 0x" + Integer.toHexString(opcode) + " announces "
                    + Long.toUnsignedString(length) + " bytes but only "
                    + Math.max(0, source.available() - lengthSize)
                    + " follow");
        }
    }
}
