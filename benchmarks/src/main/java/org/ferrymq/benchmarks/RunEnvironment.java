package org.ferrymq.benchmarks;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.JMSException;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What every benchmark prints first, so that a figure can be read with the machine that made it. */
final class RunEnvironment {

    private RunEnvironment() {
    }

    static void print() {
        Runtime runtime = Runtime.getRuntime();
        System.out.println("== Environment");
        System.out.printf("java        %s (%s %s, %s)%n", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                System.getProperty("java.vm.vendor"));
        System.out.printf("os          %s %s %s%n", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        System.out.printf("cpu         %s%n", cpuModel());
        System.out.printf("processors  %d available%n", runtime.availableProcessors());
        System.out.printf("heap        %,d MiB max%n", runtime.maxMemory() / (1024 * 1024));
        System.out.printf("gc          %s%n", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", ")));
        System.out.printf("jvm args    %s%n", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println();
    }

    /** The provider's own name and version, asked through the JMS API like everything else. */
    static String providerVersion(ConnectionFactory factory) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            ConnectionMetaData metaData = connection.getMetaData();
            return metaData.getJMSProviderName() + " " + metaData.getProviderVersion();
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown (" + System.getProperty("os.arch") + ")";
        }
    }

    /** Ends a benchmark's JVM with status 1 after printing why: the figures printed before stay. */
    static void exitFailed(Exception e) {
        System.out.flush();
        System.err.println("Benchmark failed: " + e);
        e.printStackTrace();
        System.exit(1);
    }
}
