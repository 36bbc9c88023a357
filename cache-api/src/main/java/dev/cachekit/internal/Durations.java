package dev.cachekit.internal;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The accepted range of every duration a cache is configured with, checked where the duration
 * enters (a URI option, a builder method), so nothing overflows later when it is added to a clock
 * or turned into milliseconds or nanoseconds. Not part of the public API.
 */
public final class Durations {

    /** The longest TTL, null TTL and touch window: a thousand years ({@code Cache.FOREVER} aside). */
    public static final Duration MAX_TTL = Duration.ofDays(365L * 1000);

    /** The longest lock lease and load timeout: a year, so a deadline in nanoseconds never overflows. */
    public static final Duration MAX_WAIT = Duration.ofDays(365);

    /** The longest timeout of a backend client: what fits in an {@code int} of milliseconds. */
    public static final Duration MAX_CLIENT_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    /** {@code Cache.FOREVER}, repeated here so this class depends on nothing above it. */
    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    private Durations() {}

    /**
     * Checks a TTL: at least a millisecond and at most {@link #MAX_TTL}, or {@code Cache.FOREVER}.
     *
     * @param ttl the TTL
     * @param name the option or argument, for the message
     * @return the TTL
     * @throws IllegalArgumentException naming the option and the range
     */
    public static Duration ttl(Duration ttl, String name) {
        Objects.requireNonNull(ttl, name);
        return ttl.equals(FOREVER) ? ttl : range(ttl, name, Duration.ofMillis(1), MAX_TTL, " (or Cache.FOREVER)");
    }

    /**
     * Checks that a duration lies between {@code min} and {@code max}, both included.
     *
     * @param value the duration
     * @param name the option or argument, for the message
     * @param min the shortest accepted
     * @param max the longest accepted
     * @return the duration
     * @throws IllegalArgumentException naming the option and the range
     */
    public static Duration range(Duration value, String name, Duration min, Duration max) {
        return range(value, name, min, max, "");
    }

    private static Duration range(Duration value, String name, Duration min, Duration max, String or) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be at least " + show(min) + " and at most " + show(max)
                    + or + ", was " + show(value));
        }
        return value;
    }

    /**
     * A duration as the URI options write it: {@code 500ms}, {@code 30s}, {@code 365d}.
     *
     * @param duration the duration
     * @return its short form, or ISO-8601 when no short form is exact
     */
    public static String show(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        long seconds = duration.getSeconds();
        if (duration.getNano() != 0) {
            return seconds < Long.MAX_VALUE / 1000 ? duration.toMillis() + "ms" : duration.toString();
        }
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
