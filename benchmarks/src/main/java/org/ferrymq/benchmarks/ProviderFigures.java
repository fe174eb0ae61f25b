package org.ferrymq.benchmarks;

/**
 * What one provider measured on one database. Filled in scenario by scenario, so that when a
 * later scenario fails the earlier figures are still reported; a figure not measured is null.
 */
final class ProviderFigures {

    /** The provider's key, {@code artemis} or {@code ferrymq}. */
    final String provider;
    /** The run's name for it, telling apart runs of one provider with different settings. */
    final String name;
    String version;
    Double oneProducerRate;
    Double latencyP50Millis;
    Double latencyP99Millis;
    Double manyProducersRate;
    Double transactionRate;
    Double drainRate;
    Double autoAcknowledgeDrainRate;
    Double restartSeconds;
    /** Why the provider's run stopped early, or null when it ran to the end. */
    String failure;

    ProviderFigures(String provider, String name) {
        this.provider = provider;
        this.name = name;
    }

    void failed(Exception cause) {
        if (failure == null) {
            failure = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        }
    }
}
