package dev.interproc.testing;

import dev.interproc.CodedEnum;

/**
 * The enum the tests store in enum slots when they need stable codes that differ from the ordinals (as a worker's
 * status would have): shared by the tests of this package, the CLI tests and their child JVMs.
 */
public enum CodedPhase implements CodedEnum {
    STARTING(10),
    RUNNING(2000);

    private final int code;

    CodedPhase(int code) {
        this.code = code;
    }

    @Override
    public int code() {
        return code;
    }
}
