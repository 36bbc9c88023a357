package dev.cachekit.memcached;

import dev.cachekit.spi.Store;

/**
 * Turns a TTL in milliseconds into memcached's expiry field.
 *
 * <p>memcached counts whole seconds, on a clock that ticks once a second, so an item given {@code
 * n} seconds may expire up to a second early; and it reads any value above 30 days as an absolute
 * Unix time. So a TTL is rounded up to whole seconds plus one (an item never expires before its
 * TTL; a lock lease is never cut short), and a TTL above 30 days is sent as the absolute Unix time
 * of its end. The cache's entries carry their own expiry in milliseconds, so keeping an item a
 * little longer never makes an expired entry readable.
 */
final class MemcachedExpiry {

    /** The largest relative expiry memcached accepts; larger values are absolute Unix times. */
    static final long MAX_RELATIVE_SECONDS = 30L * 24 * 60 * 60;

    /** memcached's binary protocol sends the expiry as an unsigned 32-bit number. */
    private static final long MAX_ABSOLUTE_SECONDS = 0xFFFF_FFFFL;

    private MemcachedExpiry() {}

    /**
     * The expiry field for a TTL.
     *
     * @param ttlMillis the TTL in milliseconds, or {@link Store#NO_EXPIRY}
     * @param nowMillis the current Unix time in milliseconds
     * @return 0 for no expiry, seconds from now, or an absolute Unix time (as the 32 bits the
     *     protocol sends; may be negative as a Java int)
     * @throws IllegalArgumentException if the TTL is negative
     */
    static int of(long ttlMillis, long nowMillis) {
        if (ttlMillis < 0) {
            throw new IllegalArgumentException("ttlMillis must be 0 (no expiry) or positive, was " + ttlMillis);
        }
        if (ttlMillis == Store.NO_EXPIRY) {
            return 0;
        }
        long seconds = ceilSeconds(ttlMillis) + 1;
        if (seconds <= MAX_RELATIVE_SECONDS) {
            return (int) seconds;
        }
        // Compared before adding, so a TTL near Long.MAX_VALUE cannot overflow into the past.
        long absolute = ttlMillis > MAX_ABSOLUTE_SECONDS * 1000 - nowMillis
                ? Long.MAX_VALUE
                : ceilSeconds(nowMillis + ttlMillis) + 1;
        if (absolute > MAX_ABSOLUTE_SECONDS) {
            // Past what memcached can represent (the year 2106): keep it until evicted; the
            // entry's own expiry still ends it for the cache.
            return 0;
        }
        return (int) absolute;
    }

    private static long ceilSeconds(long millis) {
        // Not (millis + 999) / 1000, which overflows for millis near Long.MAX_VALUE.
        return millis / 1000 + (millis % 1000 == 0 ? 0 : 1);
    }
}
