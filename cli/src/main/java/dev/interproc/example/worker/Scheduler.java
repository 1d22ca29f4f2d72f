package dev.interproc.example.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The demo's scheduler: several threads that each ask a random API process for the worker's status over
 * HTTP and, when it reports IDLE, submit a job to another random API process. Threads race each other, so
 * some submissions find the worker busy (409): the API processes decide atomically, under the shared lock.
 */
final class Scheduler {

    private static final Pattern JOB = Pattern.compile("\"job\": (\\d+)");
    /**
     * Long enough for a loaded machine: a submission that times out although its API process accepted it leaves a
     * job calculated that nobody acknowledged, and a timed-out {@code /shutdown} fails the demo. It is there to
     * catch an API process that hangs, not to measure one that is slow.
     */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** An API process the scheduler may send to; {@code serving} turns false when it is to be avoided. */
    static final class Api {
        final String name;
        final URI base;
        volatile boolean serving = true;

        Api(String name, int port) {
            this.name = name;
            this.base = URI.create("http://127.0.0.1:" + port);
        }
    }

    private final HttpClient client;
    private final List<Api> apis;
    private final DemoLog log;
    private final Set<Long> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicInteger unreachable = new AtomicInteger();
    private final CountDownLatch firstThird;
    /** Jobs still to get accepted, less the submissions under way: at most that many more get a 202. */
    private final AtomicInteger unclaimed;

    private volatile boolean stopped;

    Scheduler(HttpClient client, List<Api> apis, int jobs, DemoLog log) {
        this.client = client;
        this.apis = apis;
        this.log = log;
        this.firstThird = new CountDownLatch(Math.max(1, jobs / 3));
        this.unclaimed = new AtomicInteger(jobs);
    }

    /**
     * Submits from {@code threads} threads until {@code jobs} were accepted (never more: a thread claims a
     * job before it submits) or the time limit passed.
     */
    void run(int threads, int jobs, Duration timeLimit) throws InterruptedException {
        long deadline = System.nanoTime() + timeLimit.toNanos();
        List<Thread> submitters = IntStream.range(0, threads)
                .mapToObj(i -> Thread.ofVirtual().name("scheduler-" + i).start(() -> submit(jobs, deadline)))
                .toList();
        for (Thread submitter : submitters) {
            submitter.join();
        }
    }

    private void submit(int jobs, long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stopped && accepted.size() < jobs && System.nanoTime() < deadline) {
            List<Api> serving = apis.stream().filter(api -> api.serving).toList();
            if (serving.isEmpty()) {
                log.say("scheduler", "no API process serves any more; stopping");
                return;
            }
            Api asked = serving.get(random.nextInt(serving.size()));
            Api submitTo = serving.get(random.nextInt(serving.size()));
            try {
                submitIfIdle(asked, submitTo);
            } catch (IOException e) {
                unreachable.incrementAndGet();
                log.say("scheduler", "no answer from " + asked.name + " or " + submitTo.name + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(random.nextLong(2, 12));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Asks one API process for the status and, if the worker is IDLE, submits a job to the other. */
    private void submitIfIdle(Api asked, Api submitTo) throws IOException, InterruptedException {
        HttpResponse<String> status = send(asked, "GET", "/status");
        if (!status.body().contains("\"IDLE\"") || !claim()) {
            return;
        }
        HttpResponse<String> submitted = sendClaimed(submitTo);
        if (submitted.statusCode() == 202) {
            accepted.add(jobOf(submitted.body()));
            firstThird.countDown();
        } else if (submitted.statusCode() == 409) {
            rejected.incrementAndGet();
            log.say(
                    "scheduler",
                    submitTo.name + " answered 409 (another submission won the race): " + submitted.body());
        } else {
            log.say("scheduler", submitTo.name + " answered " + submitted.statusCode() + ": " + submitted.body());
        }
    }

    /** Makes every submitting thread stop after its current request (the demo is failing or ending). */
    void stop() {
        stopped = true;
    }

    /** Claims one of the jobs still to submit; false when every one is accepted or under way. */
    private boolean claim() {
        if (unclaimed.getAndDecrement() > 0) {
            return true;
        }
        unclaimed.incrementAndGet();
        return false;
    }

    /** Submits a claimed job; the claim is returned unless the job was accepted. */
    private HttpResponse<String> sendClaimed(Api api) throws IOException, InterruptedException {
        boolean accepted = false;
        try {
            HttpResponse<String> response = send(api, "POST", "/jobs");
            accepted = response.statusCode() == 202;
            return response;
        } finally {
            if (!accepted) {
                unclaimed.incrementAndGet();
            }
        }
    }

    HttpResponse<String> send(Api api, String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(api.base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static long jobOf(String body) {
        Matcher matcher = JOB.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("an API process answered without a job id: " + body);
        }
        return Long.parseLong(matcher.group(1));
    }

    /** Waits until a third of the jobs were accepted, or the timeout passed; returns whether they were. */
    boolean awaitFirstThird(Duration timeout) throws InterruptedException {
        return firstThird.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    Set<Long> accepted() {
        return Set.copyOf(accepted);
    }

    int rejected() {
        return rejected.get();
    }

    int unreachable() {
        return unreachable.get();
    }

    void countUnreachable() {
        unreachable.incrementAndGet();
    }
}
