package dev.interproc.internal.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What runs where, and what an interrupt does, for {@link OffCarrier}. */
class OffCarrierTest {

    @Test
    void aPlatformThreadRunsTheCallItselfAndAVirtualThreadHandsItToADelegate() throws Exception {
        Thread caller = Thread.currentThread();
        assertSame(caller, OffCarrier.call(Thread::currentThread));
        assertSame(caller, OffCarrier.callInterruptibly(Thread::currentThread));

        CompletableFuture<List<Object>> seen = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                Thread delegate = OffCarrier.call(Thread::currentThread);
                Thread interruptibleDelegate = OffCarrier.callInterruptibly(Thread::currentThread);
                seen.complete(List.of(
                        delegate.isVirtual(),
                        delegate.isDaemon(),
                        delegate.getName(),
                        interruptibleDelegate.isVirtual()));
            } catch (Throwable e) {
                seen.completeExceptionally(e);
            }
        });
        List<Object> delegate = seen.get(30, TimeUnit.SECONDS);
        assertEquals(false, delegate.get(0));
        assertEquals(true, delegate.get(1));
        assertTrue(((String) delegate.get(2)).startsWith("interproc-off-carrier-"), delegate.toString());
        assertEquals(false, delegate.get(3));
    }

    @Test
    void theCallsOwnExceptionReachesTheVirtualThreadUnchanged() throws Exception {
        IOException checked = new IOException("checked");
        IllegalStateException unchecked = new IllegalStateException("unchecked");
        CompletableFuture<List<Throwable>> caught = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            Throwable first = null;
            Throwable second = null;
            try {
                OffCarrier.call(() -> {
                    throw checked;
                });
            } catch (Throwable e) {
                first = e;
            }
            try {
                OffCarrier.call(() -> {
                    throw unchecked;
                });
            } catch (Throwable e) {
                second = e;
            }
            caught.complete(java.util.Arrays.asList(first, second));
        });
        List<Throwable> thrown = caught.get(30, TimeUnit.SECONDS);
        assertSame(checked, thrown.get(0));
        assertSame(unchecked, thrown.get(1));
    }

    /**
     * call() waits out an interrupt and returns the call's result with the interrupt status set again;
     * callInterruptibly() gives up at once with InterruptedException.
     */
    @Test
    void callWaitsOutAnInterruptWhileCallInterruptiblyGivesUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inCall = new CountDownLatch(1);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                String result = OffCarrier.call(() -> {
                    inCall.countDown();
                    release.await();
                    return "returned";
                });
                boolean interrupted = Thread.currentThread().isInterrupted();
                String second;
                try {
                    second = OffCarrier.callInterruptibly(() -> {
                        TimeUnit.MILLISECONDS.sleep(100); // ends by itself; its result is dropped
                        return "not expected";
                    });
                } catch (InterruptedException e) {
                    second = "InterruptedException, interrupted="
                            + Thread.currentThread().isInterrupted();
                }
                outcome.complete(result + ", interrupted=" + interrupted + "; " + second);
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        assertTrue(inCall.await(30, TimeUnit.SECONDS));
        caller.interrupt();
        TimeUnit.MILLISECONDS.sleep(50);
        assertFalse(outcome.isDone(), "the interrupt ended call()");
        release.countDown();
        assertEquals(
                "returned, interrupted=true; InterruptedException, interrupted=false",
                outcome.get(30, TimeUnit.SECONDS));
    }
}
