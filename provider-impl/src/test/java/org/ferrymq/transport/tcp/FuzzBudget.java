package org.ferrymq.transport.tcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

/**
 * The fuzz tests' time budget. Without {@code -Dfuzz.minutes} a property runs its tries
 * ({@code jqwik.tries.default} in junit-platform.properties: few, for the default build).
 * With {@code -Dfuzz.minutes=M} (the {@code fuzz} profile, which also raises the tries to
 * no practical limit) each of the {@link #PROPERTIES} properties gets an equal share of M
 * minutes and stops trying when its share is spent.
 */
public final class FuzzBudget implements AroundTryHook {

    /** The properties that share the budget: those of FrameFuzzTest. */
    static final int PROPERTIES = 3;

    private static final Map<String, Long> DEADLINES = new ConcurrentHashMap<>();

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        String minutes = System.getProperty("fuzz.minutes", "");
        if (minutes.isBlank()) {
            return aTry.execute(parameters);
        }
        long share = TimeUnit.SECONDS.toNanos((long) (Double.parseDouble(minutes) * 60 / PROPERTIES));
        String property = context.optionalElement().map(Object::toString).orElse(context.label());
        long deadline = DEADLINES.computeIfAbsent(property,
                first -> System.nanoTime() + share);
        if (System.nanoTime() - deadline > 0) {
            return TryExecutionResult.satisfied(true); // the share is spent: the property ends, passed
        }
        return aTry.execute(parameters);
    }
}
