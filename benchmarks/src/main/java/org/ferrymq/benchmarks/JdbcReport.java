package org.ferrymq.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The table a {@link JdbcJournalBenchmark} prints for one database: a row per scenario, with the
 * raw-JDBC probe's matching figure beside the providers' as the yardstick, a column per provider
 * run (Artemis once per journal sync period), and the ratios the targets are stated in.
 * FerryMQ is compared with Artemis's best figure of each row, whichever sync period gave it. On
 * PostgreSQL, where the targets are set, they are checked below.
 */
final class JdbcReport {

    private static final String ARTEMIS = "artemis";
    private static final String FERRYMQ = "ferrymq";

    /**
     * One scenario: its figure for the probe (null when the probe has none) and for a provider;
     * for a rate higher is better, for a time ("ms", "s") lower.
     */
    private record Row(String scenario, String unit, Double probe, Function<ProviderFigures, Double> figure) {

        boolean higherIsBetter() {
            return unit.equals("msg/s");
        }
    }

    private final DatabaseUnderTest database;
    private final RawJdbcProbe.Result probe;
    private final List<ProviderFigures> providers;
    private final JdbcBenchmarkSettings settings;

    JdbcReport(DatabaseUnderTest database, RawJdbcProbe.Result probe, List<ProviderFigures> providers,
               JdbcBenchmarkSettings settings) {
        this.database = database;
        this.probe = probe;
        this.providers = List.copyOf(providers);
        this.settings = settings;
    }

    void print() {
        System.out.println();
        System.out.println("== Results on " + database.key() + ": " + database.description());
        for (ProviderFigures figures : providers) {
            System.out.printf("%-20s %s%s%n", figures.name, figures.version == null ? "(version unknown)"
                    : figures.version, figures.failure == null ? "" : "; FAILED: " + figures.failure);
        }
        printTable();
        if (database.key().equals("postgresql")) {
            printTargets();
        }
    }

    private List<Row> rows() {
        int batch = settings.batchMessages();
        Double probeBatch = probe == null ? null : probe.batchRowsPerSecond();
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("1 producer, sync sends", "msg/s",
                probe == null ? null : probe.singleRowCommitsPerSecond(), f -> f.oneProducerRate));
        rows.add(new Row("send latency p50, 1 producer", "ms",
                probe == null ? null : probe.commitLatency().percentileMillis(50), f -> f.latencyP50Millis));
        rows.add(new Row("send latency p99, 1 producer", "ms",
                probe == null ? null : probe.commitLatency().percentileMillis(99), f -> f.latencyP99Millis));
        rows.add(new Row(settings.producers() + " producers, sync sends", "msg/s", null, f -> f.manyProducersRate));
        rows.add(new Row("transactions of " + batch, "msg/s", probeBatch, f -> f.transactionRate));
        rows.add(new Row(String.format("drain %,d, tx of %d", settings.backlogMessages(), batch), "msg/s", probeBatch,
                f -> f.drainRate));
        rows.add(new Row(String.format("drain %,d, AUTO_ACK", settings.backlogMessages()), "msg/s", null,
                f -> f.autoAcknowledgeDrainRate));
        rows.add(new Row(String.format("restart with %,d backlog", settings.backlogMessages()), "s", null,
                f -> f.restartSeconds));
        return rows;
    }

    private void printTable() {
        ProviderFigures ferry = find(FERRYMQ);
        StringBuilder format = new StringBuilder("%-30s %-6s %12s");
        List<Object> header = new ArrayList<>(List.of("scenario", "unit", "probe"));
        for (ProviderFigures figures : providers) {
            format.append(" %").append(Math.max(12, figures.name.length())).append('s');
            header.add(figures.name);
        }
        format.append(" %18s %14s%n");
        header.add("FerryMQ/Artemis*");
        header.add("FerryMQ/probe");
        System.out.println();
        System.out.printf(format.toString(), header.toArray());
        for (Row row : rows()) {
            List<Object> cells = new ArrayList<>(List.of(row.scenario(), row.unit(), number(row.probe(), row.unit())));
            for (ProviderFigures figures : providers) {
                cells.add(cell(figures, row.figure().apply(figures), row.unit()));
            }
            Double ferryFigure = ferry == null ? null : row.figure().apply(ferry);
            cells.add(ratio(ferryFigure, bestArtemis(row)));
            cells.add(ratio(ferryFigure, row.probe()));
            System.out.printf(format.toString(), cells.toArray());
        }
        System.out.printf("probe: one thread, one connection, %,d-byte rows; single-row INSERT + COMMIT (rows/s, and"
                + " p50/p99 of each commit)%n", settings.bodyBytes());
        System.out.printf("       beside 1-producer sends and latency; batches of %d rows, one COMMIT each (rows/s),"
                + " beside transactions and the transacted drain%n", settings.batchMessages());
        System.out.printf("drain: one consumer right after a restart, in a transacted session committing every %d"
                + " messages; then, after%n       another fill and restart, in an AUTO_ACKNOWLEDGE session"
                + " (clock until the connection is closed)%n", settings.batchMessages());
        System.out.println("artemis_syncNms: Artemis with jdbc-journal-sync-period N ms (5 is its default);"
                + " * FerryMQ divided by the best Artemis figure of the row");
        System.out.println("ratios divide FerryMQ's figure by the other; for latency and restart time lower is better;"
                + " '-' not run or no figure");
    }

    private void printTargets() {
        ProviderFigures ferry = find(FERRYMQ);
        if (ferry == null) {
            return;
        }
        List<Row> rows = rows();
        Double probeSingle = probe == null ? null : probe.singleRowCommitsPerSecond();
        Double probeBatch = probe == null ? null : probe.batchRowsPerSecond();
        System.out.println();
        System.out.println("== Targets on PostgreSQL (Artemis: its best figure of the row)");
        String format = "%-66s %-32s %s%n";
        target(format, "FerryMQ 1-producer sends >= 0.7 x probe single-row commits",
                ferry.oneProducerRate, times(0.7, probeSingle), true);
        target(format, "FerryMQ 1-producer sends ahead of Artemis's",
                ferry.oneProducerRate, bestArtemis(rows.get(0)), true);
        target(format, "FerryMQ " + settings.producers() + " producers >= 4 x FerryMQ 1 producer",
                ferry.manyProducersRate, times(4, ferry.oneProducerRate), true);
        target(format, "FerryMQ transactions of " + settings.batchMessages() + " >= 0.5 x probe batch rows",
                ferry.transactionRate, times(0.5, probeBatch), true);
        target(format, "FerryMQ draining in transactions >= 0.5 x probe batch rows",
                ferry.drainRate, times(0.5, probeBatch), true);
        target(format, "FerryMQ AUTO_ACKNOWLEDGE drain ahead of Artemis's",
                ferry.autoAcknowledgeDrainRate, bestArtemis(rows.get(6)), true);
        target(format, "FerryMQ AUTO_ACKNOWLEDGE drain >= 0.5 x FerryMQ transacted drain",
                ferry.autoAcknowledgeDrainRate, times(0.5, ferry.drainRate), true);
        target(format, "FerryMQ restart no slower than Artemis's",
                ferry.restartSeconds, bestArtemis(rows.get(7)), false);
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

    private ProviderFigures find(String provider) {
        return providers.stream().filter(f -> f.provider.equals(provider)).findFirst().orElse(null);
    }

    /** Artemis's best figure of a row over its runs (the highest rate, the lowest time), or null. */
    private Double bestArtemis(Row row) {
        Comparator<Double> better = row.higherIsBetter() ? Comparator.naturalOrder() : Comparator.reverseOrder();
        return providers.stream().filter(f -> f.provider.equals(ARTEMIS)).map(row.figure()).filter(Objects::nonNull)
                .max(better).orElse(null);
    }

    private static Double times(double factor, Double value) {
        return value == null ? null : factor * value;
    }

    /** A provider's cell: its figure, or why there is none. */
    private static String cell(ProviderFigures figures, Double value, String unit) {
        if (value == null && figures.failure != null) {
            return "failed";
        }
        return number(value, unit);
    }

    private static String number(Double value, String unit) {
        if (value == null) {
            return "-";
        }
        return switch (unit) {
            case "msg/s" -> String.format("%,.0f", value);
            case "ms" -> String.format("%,.3f", value);
            default -> String.format("%,.2f", value);
        };
    }

    private static String plain(double value) {
        return value >= 100 ? String.format("%,.0f", value) : String.format("%.2f", value);
    }

    private static String ratio(Double numerator, Double denominator) {
        if (numerator == null || denominator == null || denominator == 0) {
            return "-";
        }
        return String.format("%.2f", numerator / denominator);
    }
}
