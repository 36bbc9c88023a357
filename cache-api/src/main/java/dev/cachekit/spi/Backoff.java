package dev.cachekit.spi;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff for waiters that cannot be signalled: starts near 1 ms and doubles
 * up to 10 ms, each wait drawn at random between half and all of the current step, so waiters on
 * many machines do not poll in step.
 *
 * <p>The cap is low on purpose: only one thread per key per process polls (the others wait for its
 * result in memory), so a waiting process costs at most about 100 reads a second, and in return
 * sees a value within about 10 ms of its landing instead of a poll interval later.
 *
 * <p>Not thread-safe: one instance per waiting call.
 */
public final class Backoff {

    /**
     * How long a waiter that is woken by signals waits before looking again anyway, in case a
     * signal was lost (a reconnect, a holder that died without releasing).
     */
    public static final Duration SIGNAL_SAFETY_WAIT = Duration.ofMillis(200);

    private static final Duration FIRST = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofMillis(10);

    private final long maxMicros;
    private long stepMicros;

    /** Creates a lock waiter's backoff at its first step: about 1 ms, doubling up to 10 ms. */
    public Backoff() {
        this(FIRST, MAX);
    }

    /**
     * Creates a backoff with other bounds, for retries that must go slower than lock polling
     * (reconnecting to a server that is down, say).
     *
     * @param first the first step
     * @param max the largest step
     * @throws IllegalArgumentException if {@code first} is under a microsecond or above {@code max}
     */
    public Backoff(Duration first, Duration max) {
        long firstMicros = first.toNanos() / 1_000;
        long maxMicros = max.toNanos() / 1_000;
        if (firstMicros < 1 || firstMicros > maxMicros) {
            throw new IllegalArgumentException(
                    "a backoff needs 1us <= first <= max, was first " + first + ", max " + max);
        }
        this.stepMicros = firstMicros;
        this.maxMicros = maxMicros;
    }

    /**
     * Returns the next wait and doubles the step.
     *
     * @return a wait between half the current step and the step
     */
    public Duration next() {
        long step = stepMicros;
        stepMicros = Math.min(maxMicros, stepMicros * 2);
        long wait = step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
        return Duration.ofNanos(wait * 1_000);
    }
}
