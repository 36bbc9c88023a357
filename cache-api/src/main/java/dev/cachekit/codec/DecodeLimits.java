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

    /**
     * Whether a value reads back under these limits whatever they are, so that reading its bytes
     * back when it is written would only cost time: a boxed primitive, or a short string.
     */
    boolean readsBackTrivially(Object value) {
        Class<?> type = value.getClass();
        return type == Integer.class
                || type == Long.class
                || type == Boolean.class
                || type == Double.class
                || type == Float.class
                || type == Short.class
                || type == Byte.class
                || type == Character.class
                || (type == String.class && ((String) value).length() <= Math.min(maxLength, 1024));
    }

    static final DecodeLimits DEFAULTS =
            new DecodeLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_LENGTH, DEFAULT_ALLOCATION_RATIO);
}
