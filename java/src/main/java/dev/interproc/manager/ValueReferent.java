package dev.interproc.manager;

/** The manager's {@code Value(typecode, value, lock=True)}: a holder of any value; the typecode shows in its repr. */
final class ValueReferent implements Referent {

    private final Object typecode;
    private Object value;

    private ValueReferent(Object typecode, Object value) {
        this.typecode = typecode;
        this.value = value;
    }

    static ValueReferent create(Arguments arguments) {
        ValueReferent created = new ValueReferent(arguments.required(0, "typecode"), arguments.required(1, "value"));
        arguments.get(2, "lock", true);
        arguments.done();
        return created;
    }

    @Override
    public synchronized Object call(String method, Arguments arguments) {
        if (method.equals("get")) {
            arguments.done();
            return value;
        }
        value = arguments.required(0, "value");
        arguments.done();
        return null;
    }

    @Override
    public synchronized String repr() {
        return "Value(" + PythonRepr.of(typecode) + ", " + PythonRepr.of(value) + ")";
    }
}
