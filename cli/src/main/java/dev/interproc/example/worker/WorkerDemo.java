package dev.interproc.example.worker;

import dev.interproc.SharedMemory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The worker example, end to end: starts a {@link WorkerProcess} and several {@link ApiServer} processes on
 * one region, lets a {@link Scheduler} submit jobs to them over HTTP, optionally kills one API process with
 * SIGKILL while it holds the lock, shuts the worker down through the API, and checks from the job log that
 * every accepted job was calculated exactly once and that no two calculations overlapped.
 *
 * <p>Every child process is killed and the region removed when the run ends, however it ends (an exception,
 * Ctrl-C or SIGTERM; after a SIGKILL of the demo, its API processes and worker exit when their standard
 * input ends, and {@code interproc rm --dead} removes the region).
 */
public final class WorkerDemo {

    private static final int SCHEDULER_THREADS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final DemoSettings settings;
    private final DemoLog log;
    private final long startNanos = System.nanoTime();
    private final List<String> problems = new ArrayList<>();

    private WorkerDemo(DemoSettings settings, PrintWriter out) {
        this.settings = settings;
        this.log = new DemoLog(out, startNanos);
    }

    /**
     * Runs the demo, writing its transcript to {@code out}, and returns what it saw; call
     * {@link DemoReport#print} for the summary.
     *
     * @throws TimeoutException if a child process did not start, or did not exit, in time
     */
    public static DemoReport run(DemoSettings settings, PrintWriter out)
            throws InterruptedException, TimeoutException, IOException, ExecutionException {
        return new WorkerDemo(settings, out).run();
    }

    private DemoReport run() throws InterruptedException, TimeoutException, IOException, ExecutionException {
        String region = "interproc-demo-" + ProcessHandle.current().pid();
        int capacity = settings.jobs() + SCHEDULER_THREADS + 2;
        List<ChildProcess> children = new CopyOnWriteArrayList<>();
        SharedMemory memory = SharedMemory.create(region);
        // Ctrl-C or SIGTERM: kill the children and remove the region all the same.
        Thread cleanUp = new Thread(
                () -> {
                    children.forEach(ChildProcess::close);
                    memory.unlink();
                },
                "demo clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        Scheduler scheduler = null;
        try (HttpClient client = HttpClient.newHttpClient()) {
            WorkerState state = new WorkerState(memory, capacity, line -> log.say("demo", line));
            log.say(
                    "demo",
                    "region " + region + ": worker/status " + state.snapshot().status() + "; starting the "
                            + "worker and " + settings.apiProcesses() + " API processes");
            ChildProcess worker = ChildProcess.start(
                    "worker",
                    WorkerProcess.class,
                    log,
                    region,
                    String.valueOf(capacity),
                    String.valueOf(settings.shortestCalculation().toMillis()),
                    String.valueOf(settings.longestCalculation().toMillis()));
            children.add(worker);
            List<ChildProcess> apiProcesses = new ArrayList<>();
            for (int i = 1; i <= settings.apiProcesses(); i++) {
                ChildProcess api =
                        ChildProcess.start("api-" + i, ApiServer.class, log, region, String.valueOf(capacity));
                apiProcesses.add(api);
                children.add(api);
            }
            worker.process().awaitLine(WorkerProcess.READY::equals, START_TIMEOUT);
            List<Scheduler.Api> apis = new ArrayList<>();
            for (ChildProcess api : apiProcesses) {
                String listening = api.process().awaitLine(line -> line.startsWith(ApiServer.LISTENING), START_TIMEOUT);
                apis.add(new Scheduler.Api(
                        api.name(), Integer.parseInt(listening.substring(ApiServer.LISTENING.length()))));
            }
            scheduler = new Scheduler(client, apis, settings.jobs(), log);
            Scheduler submitting = scheduler;
            log.say(
                    "demo",
                    "all processes ready; the scheduler submits " + settings.jobs() + " jobs from " + SCHEDULER_THREADS
                            + " threads");
            Thread scheduling = Thread.ofPlatform().name("scheduler").start(() -> {
                try {
                    submitting.run(SCHEDULER_THREADS, settings.jobs(), settings.timeLimit());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String kill = null;
            if (settings.killApi()) {
                if (scheduler.awaitFirstThird(settings.timeLimit())) {
                    kill = killWhileHoldingTheLock(client, apiProcesses.get(1), apis.get(1), scheduler);
                } else {
                    problems.add("no API process was killed: a third of the jobs were not accepted within "
                            + settings.timeLimit().toSeconds() + " s");
                }
            }
            scheduling.join();
            shutDown(scheduler, apis, worker, apiProcesses);
            for (ChildProcess child : children) {
                child.awaitRelayed(EXIT_TIMEOUT);
            }
            return verify(state, scheduler, kill);
        } finally {
            if (scheduler != null) {
                scheduler.stop();
            }
            cleanUp.run();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shutdownInProgress) {
                // The hook runs as well; closing the children and removing the region twice is harmless.
            }
        }
    }

    /**
     * Asks the API process to pause its next accepted submission halfway, holding the lock, submits to it
     * until one is accepted (a busy worker answers 409), and kills it with SIGKILL once it says it paused.
     * The other processes then find the lock's owner dead and repair the state.
     */
    private String killWhileHoldingTheLock(
            HttpClient client, ChildProcess victim, Scheduler.Api victimApi, Scheduler scheduler)
            throws InterruptedException, TimeoutException, ExecutionException {
        victimApi.serving = false;
        victim.process().sendLine(ApiServer.PAUSE_NEXT_SUBMISSION);
        victim.process().awaitLine(ApiServer.PAUSE_ARMED_LINE::equals, START_TIMEOUT);
        // Its own thread: the common pool may have one thread only, which the HTTP client needs.
        CompletableFuture<String> paused = new CompletableFuture<>();
        Thread.ofVirtual().name("await pause of " + victim.name()).start(() -> {
            try {
                paused.complete(victim.process().awaitLine(line -> line.startsWith(ApiServer.PAUSED), START_TIMEOUT));
            } catch (InterruptedException | TimeoutException | RuntimeException e) {
                paused.completeExceptionally(e);
            }
        });
        CompletableFuture<HttpResponse<String>> attempt;
        do {
            attempt = client.sendAsync(
                    HttpRequest.newBuilder(victimApi.base.resolve("/jobs"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            CompletableFuture.anyOf(attempt, paused).get(START_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            if (!paused.isDone()) {
                Thread.sleep(2); // the worker was busy (409): try again soon, as a scheduler would
            }
        } while (!paused.isDone());
        String pausedLine = paused.get();
        long pid = victim.process().pid();
        log.say("demo", "SIGKILL to " + victim.name() + " (pid " + pid + ") while it holds worker/lock");
        victim.process().kill();
        int exit = victim.process().waitFor(EXIT_TIMEOUT);
        log.say("demo", victim.name() + " is dead (exit code " + exit + "); the scheduler goes on with the others");
        attempt.handle((response, failure) -> {
                    scheduler.countUnreachable();
                    return null;
                })
                .join();
        return victim.name() + " (pid " + pid + ") with SIGKILL while " + pausedLine.substring("paused ".length());
    }

    /** Asks for a shutdown through an API process, waits for the worker to exit, then stops the API processes. */
    private void shutDown(
            Scheduler scheduler, List<Scheduler.Api> apis, ChildProcess worker, List<ChildProcess> apiProcesses)
            throws InterruptedException, TimeoutException, IOException {
        Scheduler.Api asked = apis.stream().filter(a -> a.serving).findFirst().orElseThrow();
        HttpResponse<String> response = scheduler.send(asked, "POST", "/shutdown");
        log.say("demo", "POST /shutdown to " + asked.name + ": " + response.statusCode() + " " + response.body());
        int workerExit = worker.process().waitFor(EXIT_TIMEOUT);
        if (workerExit != 0) {
            problems.add("the worker exited with " + workerExit + ":\n"
                    + worker.process().transcript());
        }
        for (int i = 0; i < apis.size(); i++) {
            if (apis.get(i).serving) {
                ChildProcess api = apiProcesses.get(i);
                api.process().sendLine(ApiServer.EXIT);
                int exit = api.process().waitFor(EXIT_TIMEOUT);
                if (exit != 0) {
                    problems.add(api.name() + " exited with " + exit + ":\n"
                            + api.process().transcript());
                }
            }
        }
        log.say("demo", "worker and API processes exited");
    }

    /** Checks the job log against the jobs the scheduler was told were accepted. */
    private DemoReport verify(WorkerState state, Scheduler scheduler, String kill) {
        WorkerState.JobRecord[] records = state.jobLog();
        Set<Long> accepted = scheduler.accepted();
        WorkerStatus finalStatus = state.snapshot().status();
        if (finalStatus != WorkerStatus.UNAVAILABLE) {
            problems.add("the worker's status is " + finalStatus + " after it exited, not UNAVAILABLE");
        }
        int lost = 0;
        for (long id : accepted.stream().sorted().toList()) {
            WorkerState.JobRecord record = id <= records.length ? records[(int) id - 1] : null;
            if (record == null || record.runs() != 1 || record.ended() == 0) {
                lost++;
                problems.add("accepted job " + id + " was not calculated exactly once: " + record);
            }
        }
        List<WorkerState.JobRecord> calculated = Arrays.stream(records)
                .filter(r -> r.runs() > 0)
                .sorted(Comparator.comparingLong(WorkerState.JobRecord::accepted))
                .toList();
        int overlaps = 0;
        for (int i = 0; i < calculated.size(); i++) {
            WorkerState.JobRecord job = calculated.get(i);
            if (job.runs() > 1 || job.started() < job.accepted() || job.ended() < job.started()) {
                overlaps++;
                problems.add("job " + job.job() + " ran " + job.runs() + " times or out of order: " + job);
            }
            if (i > 0 && job.accepted() < calculated.get(i - 1).ended()) {
                overlaps++;
                problems.add("job " + job.job() + " was accepted before job "
                        + calculated.get(i - 1).job() + " ended: " + calculated.get(i - 1) + ", " + job);
            }
        }
        int unacknowledged = (int)
                calculated.stream().filter(r -> !accepted.contains(r.job())).count();
        if (unacknowledged > 0 && kill == null) {
            problems.add(unacknowledged + " jobs were calculated that no API process acknowledged, with no process "
                    + "killed");
        }
        return new DemoReport(
                settings.apiProcesses(),
                accepted.size(),
                scheduler.rejected(),
                scheduler.unreachable(),
                calculated.size(),
                unacknowledged,
                overlaps,
                lost,
                kill,
                state.repairs(),
                problems,
                Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
