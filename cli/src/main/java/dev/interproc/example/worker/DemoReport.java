package dev.interproc.example.worker;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What {@link WorkerDemo} saw and checked.
 *
 * @param apiProcesses how many API processes served
 * @param accepted job ids the scheduler got a 202 for
 * @param rejected submissions answered 409 (the worker was not IDLE)
 * @param unreachable submissions that got no answer (the API process was killed)
 * @param calculated jobs the worker calculated
 * @param unacknowledged jobs calculated that no 202 reached the scheduler for (their API process died)
 * @param overlaps pairs of jobs whose accepted-to-ended intervals overlap, and jobs calculated more than once
 * @param lost accepted jobs that were not calculated exactly once
 * @param kill what the SIGKILL hit, or null when no process was killed
 * @param repairs how many times a process repaired the state after the lock's owner died
 * @param problems every broken invariant, described; empty when the run is correct
 * @param elapsed the whole run, from the first process start to the region's removal
 */
public record DemoReport(
        int apiProcesses,
        int accepted,
        int rejected,
        int unreachable,
        int calculated,
        int unacknowledged,
        int overlaps,
        int lost,
        String kill,
        int repairs,
        List<String> problems,
        Duration elapsed) {

    /** Copies the list of problems. */
    public DemoReport {
        problems = List.copyOf(problems);
    }

    /** Whether every invariant held. */
    public boolean ok() {
        return problems.isEmpty();
    }

    /** Prints the summary block that ends the demo. */
    public void print(PrintWriter out) {
        out.println();
        out.println("summary: worker + " + apiProcesses + " API processes shared one region");
        out.printf(Locale.ROOT, "  jobs accepted (202)     %d%n", accepted);
        out.printf(Locale.ROOT, "  jobs rejected (409)     %d%n", rejected);
        if (unreachable > 0) {
            out.printf(Locale.ROOT, "  requests unanswered     %d (their API process was killed)%n", unreachable);
        }
        out.printf(
                Locale.ROOT,
                "  jobs calculated         %d%s%n",
                calculated,
                unacknowledged == 0
                        ? ""
                        : " (" + unacknowledged
                                + " accepted by the killed process before it died, never acknowledged)");
        out.printf(Locale.ROOT, "  overlaps                %d%n", overlaps);
        out.printf(Locale.ROOT, "  lost                    %d%n", lost);
        if (kill != null) {
            out.printf(Locale.ROOT, "  killed                  %s%n", kill);
            out.printf(Locale.ROOT, "  repairs after the kill  %d%n", repairs);
        }
        out.printf(Locale.ROOT, "  elapsed                 %.1f s%n", elapsed.toMillis() / 1000.0);
        if (ok()) {
            out.println("OK: every accepted job was calculated exactly once, and no two calculations overlapped");
        } else {
            out.println("FAILED:");
            problems.forEach(problem -> out.println("  " + problem));
        }
        out.flush();
    }
}
