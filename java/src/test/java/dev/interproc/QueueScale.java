package dev.interproc;

import dev.interproc.process.JavaProcess;

/**
 * The scale of {@link QueueAcrossProcessesTest}, from system properties: the defaults keep CI short; docs/testing.md
 * gives the command of issue 13's full scale (4 producer and 4 consumer JVMs, 2,000,000 messages of up to 64 KiB, 200
 * kill rounds).
 */
final class QueueScale {

    static final String CAPACITY = "interproc.test.queue.capacity";
    static final String MAX_MESSAGE = "interproc.test.queue.maxMessage";
    static final String PRODUCERS = "interproc.test.queue.producers";
    static final String CONSUMERS = "interproc.test.queue.consumers";
    static final String MESSAGES = "interproc.test.queue.messages";
    static final String KILL_ROUNDS = "interproc.test.queue.killRounds";

    /** Producer JVMs of the many-to-many test. */
    static final int PRODUCERS_COUNT = Integer.getInteger(PRODUCERS, 2);
    /** Consumer JVMs of the many-to-many test. */
    static final int CONSUMERS_COUNT = Integer.getInteger(CONSUMERS, 2);
    /** Messages of the many-to-many test, over all producers. */
    static final int MESSAGES_COUNT = Integer.getInteger(MESSAGES, 200_000);
    /** Rounds of the kill loop, each killing a producer or a consumer. */
    static final int KILL_ROUNDS_COUNT = Integer.getInteger(KILL_ROUNDS, 20);

    private QueueScale() {}

    /** Passes the queue's geometry on to a child, which must open the queue as the test created it. */
    static JavaProcess.Builder passOn(JavaProcess.Builder child) {
        return child.systemProperty(CAPACITY, Long.toString(QueueChild.CAPACITY))
                .systemProperty(MAX_MESSAGE, Integer.toString(QueueChild.MAX_MESSAGE));
    }
}
