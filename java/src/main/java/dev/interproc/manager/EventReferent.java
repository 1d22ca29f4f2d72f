package dev.interproc.manager;

import java.util.concurrent.TimeUnit;

/** Python's {@code threading.Event}: {@code is_set}, {@code set}, {@code clear}, {@code wait(timeout=None)}. */
final class EventReferent implements Referent {

    private boolean flag;

    static EventReferent create(Arguments arguments) {
        arguments.done();
        return new EventReferent();
    }

    @Override
    public synchronized Object call(String method, Arguments arguments) throws InterruptedException {
        return switch (method) {
            case "is_set" -> flag;
            case "set" -> {
                flag = true;
                notifyAll();
                yield null;
            }
            case "clear" -> {
                flag = false;
                yield null;
            }
            case "wait" -> {
                Object timeout = arguments.get(0, "timeout", null);
                arguments.done();
                long deadline = System.nanoTime() + Math.max(0, timeoutNanos(timeout));
                while (!flag) {
                    long remaining = deadline - System.nanoTime();
                    if (timeout == null) {
                        wait();
                    } else if (remaining <= 0) {
                        break;
                    } else {
                        TimeUnit.NANOSECONDS.timedWait(this, remaining);
                    }
                }
                yield flag;
            }
            default -> throw new IllegalArgumentException(method);
        };
    }

    /** Event.wait takes a negative timeout as zero, where a queue refuses it. */
    private static long timeoutNanos(Object timeout) {
        return timeout instanceof Number n && n.doubleValue() < 0 ? 0 : Arguments.timeoutNanos(timeout);
    }

    @Override
    public synchronized String repr() {
        return "<threading.Event at 0x0: " + (flag ? "set" : "unset") + ">";
    }
}
