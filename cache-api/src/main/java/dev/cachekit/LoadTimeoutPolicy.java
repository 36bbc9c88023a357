package dev.cachekit;

/**
 * What {@code getOrLoad} does when its load timeout passes while another caller (in this JVM or
 * another) still holds the key's load lock and no value has appeared.
 */
public enum LoadTimeoutPolicy {
    /**
     * Throw a {@link CacheLoadTimeoutException}; the source is never asked twice at once for a key.
     * The default: a slow source under a stampede is exactly when extra loads hurt most.
     */
    FAIL,
    /**
     * Call the loader anyway, without the lock, and cache its value: the caller always gets a
     * value, at the price of extra loads while the source is slow.
     */
    LOAD_ANYWAY
}
