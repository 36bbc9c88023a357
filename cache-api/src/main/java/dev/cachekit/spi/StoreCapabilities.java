package dev.cachekit.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Store} can do, declared by the store itself. The cache checks keys and values
 * against these limits before calling the store, and the TCK skips the tests a store cannot take
 * part in, naming the missing capability.
 *
 * @param ttlGranularity the smallest TTL step the store honours (1 ms for Redis, 1 s for
 *     memcached); TTLs are rounded up to it
 * @param maxKeyBytes the longest key, in UTF-8 bytes, the store accepts; {@link #UNLIMITED} when
 *     the store takes any key (for example because it maps long keys to short ones itself)
 * @param maxValueBytes the largest value, in bytes, the store accepts; {@link #UNLIMITED} for no
 *     limit short of memory
 *
 * <p>Whether lock releases wake waiters is not a store capability: it is declared once, by {@link
 * Locker#signalsRelease()} (true for the default {@link StoreLocker} when the backend was built with
 * a {@link LockSignal}).
 */
public record StoreCapabilities(Duration ttlGranularity, int maxKeyBytes, int maxValueBytes) {

    /** The value of {@link #maxKeyBytes()} or {@link #maxValueBytes()} that means "no limit". */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /**
     * Validates the declaration.
     *
     * @param ttlGranularity the smallest TTL step the store honours
     * @param maxKeyBytes the longest key in UTF-8 bytes, or {@link #UNLIMITED}
     * @param maxValueBytes the largest value in bytes, or {@link #UNLIMITED}
     * @throws IllegalArgumentException if the granularity is not positive or a limit is below 1
     */
    public StoreCapabilities {
        Objects.requireNonNull(ttlGranularity, "ttlGranularity");
        if (ttlGranularity.isNegative() || ttlGranularity.isZero()) {
            throw new IllegalArgumentException("ttlGranularity must be positive, was " + ttlGranularity);
        }
        if (maxKeyBytes < 1 || maxValueBytes < 1) {
            throw new IllegalArgumentException(
                    "maxKeyBytes and maxValueBytes must be at least 1, were " + maxKeyBytes + " and " + maxValueBytes);
        }
    }

    /**
     * Whether a TTL shorter than one second is honoured as such.
     *
     * @return {@code true} when {@link #ttlGranularity()} is below one second
     */
    public boolean subSecondTtl() {
        return ttlGranularity.compareTo(Duration.ofSeconds(1)) < 0;
    }
}
