package dev.cachekit.codec;

/**
 * How much one entry may make a reader do, shared by {@link KryoCodec} and {@link JdkCodec}; set
 * through {@link AllowListBuilder}.
 *
 * @param maxDepth objects nested in objects, at most
 * @param maxLength elements of one collection, map or array, or chars of one string, at most
 * @param allocationRatio elements declared across all collections, maps, arrays and strings of one
 *     entry, per byte of the entry
 */
record DecodeLimits(int maxDepth, int maxLength, int allocationRatio) {

    static final int DEFAULT_MAX_DEPTH = 64;
    static final int DEFAULT_MAX_LENGTH = 10_000_000;
    static final int DEFAULT_ALLOCATION_RATIO = 16;

    /** Declared elements any entry may hold, however small (a few empty collections). */
    static final long ALLOCATION_FLOOR = 4_096;

    /** Collection elements hashing may walk in any entry, however small. */
    static final long HASH_WORK_FLOOR = 1_000_000;

    static final DecodeLimits DEFAULTS =
            new DecodeLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_LENGTH, DEFAULT_ALLOCATION_RATIO);
}
