package dev.cachekit.memory;

/**
 * How much a {@link MemorySpace} keeps: at most {@code maxEntries} entries and at most {@code
 * maxBytes} bytes of them, both at once. Entries, tag versions and keys written through the raw
 * {@link dev.cachekit.spi.Store} count; locks and fencing counters do not (they are never evicted).
 *
 * <p>An entry's bytes are its key (two bytes a character), its value and {@value
 * #ENTRY_OVERHEAD_BYTES} bytes of bookkeeping; to hold both bounds with one weight, each entry counts
 * as at least {@code maxBytes / maxEntries} bytes (rounded up). When a write would pass a bound, the
 * space evicts what it expects to be read least (Caffeine's W-TinyLFU), possibly the entry just
 * written; an entry larger than {@code maxBytes} is never kept.
 *
 * @param maxEntries the most entries kept, at least 1
 * @param maxBytes the most bytes kept, at least 1; at most 2 GiB times {@code maxEntries}
 */
public record MemoryBounds(long maxEntries, long maxBytes) {

    /** The default entry bound: 10,000. */
    public static final long DEFAULT_MAX_ENTRIES = 10_000;

    /** The default byte bound: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    /** The bounds of a space opened without any: 10,000 entries and 64 MiB. */
    public static final MemoryBounds DEFAULT = new MemoryBounds(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);

    /**
     * What an entry costs beyond its key and value: the cache's node and map entry, the stored item
     * and the headers of the key and value objects. Measured at about 190 bytes per entry on Java 17
     * (64-bit, compressed pointers, 200,000 entries), beyond one byte per key character and the value.
     */
    public static final int ENTRY_OVERHEAD_BYTES = 192;

    /**
     * Checks the bounds.
     *
     * @param maxEntries the most entries kept, at least 1
     * @param maxBytes the most bytes kept, at least 1
     * @throws IllegalArgumentException if a bound is below 1, or {@code maxBytes / maxEntries} is above
     *     2 GiB
     */
    public MemoryBounds {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, was " + maxBytes);
        }
        if (minimumWeight(maxEntries, maxBytes) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBytes (" + maxBytes + ") over maxEntries (" + maxEntries
                    + ") is above 2 GiB per entry; raise maxEntries or lower maxBytes");
        }
    }

    /**
     * These bounds with another entry bound.
     *
     * @param entries the most entries kept
     * @return the new bounds
     */
    public MemoryBounds withMaxEntries(long entries) {
        return new MemoryBounds(entries, maxBytes);
    }

    /**
     * These bounds with another byte bound.
     *
     * @param bytes the most bytes kept
     * @return the new bounds
     */
    public MemoryBounds withMaxBytes(long bytes) {
        return new MemoryBounds(maxEntries, bytes);
    }

    /** What one entry weighs at least, so that {@code maxBytes} of weight is at most {@code maxEntries} entries. */
    int minimumWeight() {
        return (int) minimumWeight(maxEntries, maxBytes);
    }

    /** What an entry weighs: its bytes, or the minimum weight if that is more. */
    int weigh(String key, byte[] value) {
        long bytes = 2L * key.length() + value.length + ENTRY_OVERHEAD_BYTES;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(bytes, minimumWeight()));
    }

    private static long minimumWeight(long maxEntries, long maxBytes) {
        return maxBytes / maxEntries + (maxBytes % maxEntries == 0 ? 0 : 1);
    }

    @Override
    public String toString() {
        return "maxEntries=" + maxEntries + ", maxBytes=" + maxBytes;
    }
}
