package org.ferrymq.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The table a {@link TcpBenchmark} prints: a row per workload, a column for Artemis over TCP,
 * FerryMQ over TCP and FerryMQ in-VM, and FerryMQ-over-TCP divided by Artemis; then the targets
 * of issue 13, each met or MISSED.
 */
final class TcpReport {

    private static final String ARTEMIS = "artemis";
    private static final String FERRYMQ = "ferrymq";
    private static final String FERRYMQ_IN_VM = "ferrymq-vm";
    /** The bound on what TCP may add to FerryMQ's synchronous persistent send, p50. */
    private static final double LATENCY_ALLOWANCE_MILLIS = 0.3;

    /** One row: a figure per party (null where the party does not measure it); for "ms" lower is better. */
    private record Row(String scenario, String unit, Function<TcpBenchmark.Party, Double> figure) {

        boolean higherIsBetter() {
            return !unit.equals("ms");
        }
    }

    private final Map<String, TcpBenchmark.Party> parties;
    private final List<String> databases;
    private final TcpBenchmarkSettings settings;

    TcpReport(Map<String, TcpBenchmark.Party> parties, List<String> databases, TcpBenchmarkSettings settings) {
        this.parties = parties;
        this.databases = List.copyOf(databases);
        this.settings = settings;
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("non-persistent 1p/1c", "msg/s",
                p -> p.nonPersistent == null ? null : p.nonPersistent.median()));
        for (String database : databases) {
            rows.add(new Row(database + " sync send p50", "ms", persistent(database, f -> f.latencyP50Millis)));
            rows.add(new Row(database + " sync send p99", "ms", persistent(database, f -> f.latencyP99Millis)));
            rows.add(new Row(database + " 1 producer sync", "msg/s", persistent(database, f -> f.oneProducerRate)));
            rows.add(new Row(database + " " + settings.producers() + " producers sync", "msg/s",
                    persistent(database, f -> f.manyProducersRate)));
            rows.add(new Row(database + " transactions of " + settings.batchMessages(), "msg/s",
                    persistent(database, f -> f.transactionRate)));
        }
        return rows;
    }

    private static Function<TcpBenchmark.Party, Double> persistent(String database,
                                                                   Function<ProviderFigures, Double> figure) {
        return party -> {
            ProviderFigures figures = party.persistent.get(database);
            return figures == null ? null : figure.apply(figures);
        };
    }

    void print() {
        System.out.println();
        System.out.println("== Results over TCP on 127.0.0.1 (servers in their own JVMs; ferrymq-vm: broker in the"
                + " client's JVM)");
        for (TcpBenchmark.Party party : parties.values()) {
            System.out.printf("%-11s %s%s%n", party.key, party.version == null ? "(version unknown)" : party.version,
                    party.failures.isEmpty() ? "" : "; FAILED: " + String.join("; ", party.failures));
        }
        String format = "%-32s %-6s %14s %14s %14s %16s%n";
        System.out.println();
        System.out.printf(format, "scenario", "unit", "artemis tcp", "ferrymq tcp", "ferrymq vm", "FerryMQ/Artemis");
        for (Row row : rows()) {
            Double artemis = figure(row, ARTEMIS);
            Double ferry = figure(row, FERRYMQ);
            System.out.printf(format, row.scenario(), row.unit(), number(artemis, row.unit()),
                    number(ferry, row.unit()), number(figure(row, FERRYMQ_IN_VM), row.unit()), ratio(ferry, artemis));
        }
        System.out.printf("non-persistent: median of %d trials of %,d messages; persistent: %d s each, latency of %,d"
                + " single sends; '-' not measured%n", settings.trials(), settings.messages(),
                settings.sendSeconds(), settings.latencyMessages());
        printTargets();
    }

    private void printTargets() {
        System.out.println();
        System.out.println("== Targets of issue 13");
        String format = "%-62s %-28s %s%n";
        for (Row row : rows()) {
            Double ferry = figure(row, FERRYMQ);
            Double artemis = figure(row, ARTEMIS);
            String goal = "FerryMQ " + (row.higherIsBetter() ? "ahead of" : "below") + " Artemis: " + row.scenario();
            target(format, goal, ferry, artemis, row.higherIsBetter());
        }
        Row nonPersistent = rows().get(0);
        Double inVm = figure(nonPersistent, FERRYMQ_IN_VM);
        target(format, "FerryMQ TCP non-persistent >= 0.5 x FerryMQ in-VM", figure(nonPersistent, FERRYMQ),
                inVm == null ? null : 0.5 * inVm, true);
        for (String database : databases) {
            Function<TcpBenchmark.Party, Double> p50 = persistent(database, f -> f.latencyP50Millis);
            Double inVmP50 = p50.apply(parties.get(FERRYMQ_IN_VM));
            target(format, "FerryMQ TCP sync send p50 <= in-VM p50 + 0.3 ms on " + database,
                    p50.apply(parties.get(FERRYMQ)), inVmP50 == null ? null : inVmP50 + LATENCY_ALLOWANCE_MILLIS,
                    false);
        }
    }

    private Double figure(Row row, String party) {
        TcpBenchmark.Party measured = parties.get(party);
        return measured == null ? null : row.figure().apply(measured);
    }

    private static void target(String format, String goal, Double actual, Double bound, boolean atLeast) {
        if (actual == null || bound == null) {
            System.out.printf(format, goal, "", "not measured");
            return;
        }
        boolean met = atLeast ? actual >= bound : actual <= bound;
        String comparison = String.format("%s %s %s", plain(actual), atLeast ? ">=" : "<=", plain(bound));
        System.out.printf(format, goal, comparison, met ? "met" : "MISSED");
    }

    private static String number(Double value, String unit) {
        if (value == null) {
            return "-";
        }
        return unit.equals("ms") ? String.format("%,.3f", value) : String.format("%,.0f", value);
    }

    private static String plain(double value) {
        return value >= 100 ? String.format("%,.0f", value) : String.format("%.3f", value);
    }

    private static String ratio(Double numerator, Double denominator) {
        if (numerator == null || denominator == null || denominator == 0) {
            return "-";
        }
        return String.format("%.2f", numerator / denominator);
    }
}
