package dev.interproc.manager;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The manager's {@code Namespace(**kwds)}: named attributes, which Python's {@code NamespaceProxy} reads, sets and
 * deletes through {@code __getattribute__}, {@code __setattr__} and {@code __delattr__}.
 */
final class NamespaceReferent implements Referent {

    static final List<String> EXPOSED = List.of("__getattribute__", "__setattr__", "__delattr__");

    private final Map<String, Object> attributes = new TreeMap<>();

    static NamespaceReferent create(Arguments arguments) {
        NamespaceReferent created = new NamespaceReferent();
        created.attributes.putAll(arguments.keywords());
        arguments.done();
        return created;
    }

    @Override
    public synchronized Object call(String method, Arguments arguments) {
        Object name = arguments.required(0, "name");
        if (!(name instanceof String attribute)) {
            throw PythonError.typeError("attribute name must be string, not '" + Arguments.typeName(name) + "'");
        }
        return switch (method) {
            case "__getattribute__" -> {
                arguments.done();
                if (!attributes.containsKey(attribute)) {
                    throw missing(attribute);
                }
                yield attributes.get(attribute);
            }
            case "__setattr__" -> {
                attributes.put(attribute, arguments.required(1, "value"));
                arguments.done();
                yield null;
            }
            default -> {
                arguments.done();
                if (!attributes.containsKey(attribute)) {
                    throw missing(attribute);
                }
                attributes.remove(attribute);
                yield null;
            }
        };
    }

    private static PythonError missing(String attribute) {
        return PythonError.attributeError("'Namespace' object has no attribute '" + attribute + "'");
    }

    /** Python's {@code Namespace.__repr__}: sorted, attributes starting with an underscore hidden. */
    @Override
    public synchronized String repr() {
        StringJoiner text = new StringJoiner(", ", "Namespace(", ")");
        attributes.forEach((name, value) -> {
            if (!name.startsWith("_")) {
                text.add(name + "=" + PythonRepr.of(value));
            }
        });
        return text.toString();
    }
}
