package dev.interproc.bench.manager;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The repetitions of {@link ManagerBenchmark}'s figures, printed as {@code result} lines and as a table of every
 * combination beside the anchor (Python client, Python server) with the targets.
 */
final class Results {

    /** One repetition: operations per second over all processes, and per operation p50, p99 and mean ns. */
    private record Rep(double opsPerSecond, double p50, double p99, double mean) {}

    private final Map<String, List<Rep>> reps = new HashMap<>();

    /** Records one repetition of {@code figure} by {@code impl}: each client's {count, elapsed, p50, p99}. */
    void add(String impl, ManagerBenchmark.Figure figure, List<long[]> answers) {
        double opsPerSecond = 0;
        for (long[] answer : answers) {
            opsPerSecond += answer[0] * 1e9 / answer[1];
        }
        long[] first = answers.getFirst();
        Rep rep = new Rep(opsPerSecond, first[2], first[3], (double) first[1] / first[0]);
        reps.computeIfAbsent(key(impl, figure), k -> new ArrayList<>()).add(rep);
    }

    private static String key(String impl, ManagerBenchmark.Figure figure) {
        return impl + " " + figure.name() + " " + figure.processes();
    }

    private static double median(List<Rep> list, java.util.function.ToDoubleFunction<Rep> field) {
        double[] values = list.stream().mapToDouble(field).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /** Prints the result lines, then the table. */
    void print(List<ManagerBenchmark.Figure> figures, List<String> impls, String anchor) {
        for (ManagerBenchmark.Figure figure : figures) {
            for (String impl : impls) {
                List<Rep> list = reps.get(key(impl, figure));
                String line = String.format(
                        "result suite=manager impl=%s op=%s processes=%d ops_per_s=%.0f reps=%s",
                        impl,
                        figure.name(),
                        figure.processes(),
                        median(list, Rep::opsPerSecond),
                        list.stream()
                                .map(rep -> String.format("%.0f", rep.opsPerSecond()))
                                .collect(Collectors.joining(",")));
                if (timed(figure)) {
                    line += String.format(
                            " p50_us=%.1f p99_us=%.1f mean_us=%.1f",
                            median(list, Rep::p50) / 1e3, median(list, Rep::p99) / 1e3, median(list, Rep::mean) / 1e3);
                }
                System.out.println(line);
            }
        }
        System.out.println();
        System.out.println("client-server; (x) is the speed-up over " + anchor
                + " (time: Python's / this one's; rate: this one's / Python's)");
        StringBuilder header = new StringBuilder(String.format("%-20s %5s", "figure", "procs"));
        impls.forEach(impl -> header.append(String.format(" %21s", impl)));
        System.out.println(header + "   java-java target");
        for (ManagerBenchmark.Figure figure : figures) {
            if (timed(figure)) {
                row(figure, impls, anchor, "p50 us", Rep::p50, false);
                row(figure, impls, anchor, "p99 us", Rep::p99, false);
                if (figure.name().startsWith("create")) {
                    row(figure, impls, anchor, "mean us", Rep::mean, false);
                }
            } else {
                row(figure, impls, anchor, "/s", Rep::opsPerSecond, true);
            }
        }
    }

    private static boolean timed(ManagerBenchmark.Figure figure) {
        return !figure.name().endsWith("pairs");
    }

    private void row(
            ManagerBenchmark.Figure figure,
            List<String> impls,
            String anchor,
            String what,
            java.util.function.ToDoubleFunction<Rep> field,
            boolean rate) {
        double base = median(reps.get(key(anchor, figure)), field);
        StringBuilder line =
                new StringBuilder(String.format("%-20s %5d", figure.name() + " " + what, figure.processes()));
        double javaSpeedup = 0;
        double javaValue = 0;
        for (String impl : impls) {
            double value = median(reps.get(key(impl, figure)), field);
            double speedup = rate ? value / base : base / value;
            String shown = rate ? String.format("%.0f", value) : String.format("%.1f", value / 1e3);
            line.append(String.format(" %13s (%5.2fx)", shown, speedup));
            if (impl.equals("java-java")) {
                javaSpeedup = speedup;
                javaValue = value;
            }
        }
        String target = "";
        if (rate) {
            target = String.format(">= 5x Python: %s", javaSpeedup >= 5 ? "met" : "MISSED");
        } else if (figure.name().equals("dict-get-rtt") && what.startsWith("p50")) {
            target = String.format("<= 20 us: %s", javaValue <= 20e3 ? "met" : "MISSED");
        } else if (figure.name().equals("create") && what.startsWith("mean")) {
            target = String.format("<= 100 us: %s", javaValue <= 100e3 ? "met" : "MISSED");
        }
        System.out.println(line + "   " + target);
    }

    @Override
    public String toString() {
        return "Results" + Arrays.toString(reps.keySet().toArray());
    }
}
