package org.ferrymq.examples;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs every example in turn on the embedded broker, and fails (main throws, so the JVM
 * exits non-zero) if any of them failed. A failed example does not stop the others: each
 * uses destinations of its own.
 */
public final class RunAll {

    /** An example's run(): returns when the example saw what it shows, throws otherwise. */
    @FunctionalInterface
    interface Program {
        void run() throws Exception;
    }

    /** An example: its class name, what it shows, and its run(). */
    record Example(String name, String shows, Program program) {
    }

    static final List<Example> EXAMPLES = List.of(
            new Example("WorkQueue", "competing consumers share a queue", WorkQueue::run),
            new Example("PubSubFanOut", "every subscriber of a topic gets every message", PubSubFanOut::run),
            new Example("RequestReply", "a temporary reply queue and correlation IDs", RequestReply::run),
            new Example("DurableSubscriber", "catching up after being offline", DurableSubscriber::run),
            new Example("TransactedPipeline", "consume, produce, commit or roll back", TransactedPipeline::run),
            new Example("Priorities", "higher priorities first", Priorities::run),
            new Example("TimeToLive", "expired messages are never delivered", TimeToLive::run),
            new Example("SurvivesRestart", "a persistent message outlives the JVM that sent it", SurvivesRestart::run),
            new Example("OrderedGroups", "each account's events in order, accounts spread over workers",
                    OrderedGroups::run),
            new Example("RetryWithBackoff", "retries that wait longer each time, then a dead-letter queue",
                    RetryWithBackoff::run),
            new Example("IdempotentProducer", "a send repeated after a doubt is stored once", IdempotentProducer::run),
            new Example("LargeFileTransfer", "a 64 MiB file through a queue as a stream, never whole in memory",
                    LargeFileTransfer::run));

    private RunAll() {
    }

    public static void main(String[] args) throws Exception {
        run();
    }

    public static void run() throws Exception {
        List<String> failed = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        int number = 0;
        for (Example example : EXAMPLES) {
            number++;
            System.out.println();
            System.out.println("=== " + number + "/" + EXAMPLES.size() + " " + example.name() + ": " + example.shows());
            long start = System.nanoTime();
            try {
                example.program().run();
                System.out.println("--- passed in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            } catch (Exception e) {
                System.out.println("--- FAILED: " + e);
                failed.add(example.name());
                failures.add(e);
            }
        }
        System.out.println();
        if (failures.isEmpty()) {
            System.out.println("All " + EXAMPLES.size() + " examples passed");
            return;
        }
        ExampleFailure summary = new ExampleFailure(failed.size() + " of " + EXAMPLES.size()
                + " examples failed: " + failed, failures.get(0));
        failures.subList(1, failures.size()).forEach(summary::addSuppressed);
        System.out.println(summary.getMessage());
        throw summary;
    }
}
