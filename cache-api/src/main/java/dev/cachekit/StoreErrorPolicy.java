package dev.cachekit;

/**
 * What {@code getOrLoad} does when the store fails (the server is down or times out). URI option
 * {@code onStoreError=fail|load}.
 */
public enum StoreErrorPolicy {
    /**
     * Throw the {@link StoreException}; the loader is not called, so an outage of the cache never
     * turns into a stampede on the source. The default.
     */
    FAIL,
    /**
     * Go on without the cache: the loader runs (once per key at a time in this JVM, the others
     * waiting for its value) and its value is returned; a write that fails after the load never
     * throws the value away. Every store error is reported to {@link CacheListener#storeError} and
     * logged at most once per 10 seconds. The source then takes one load per key per JVM instead of
     * one per cluster while the store is down.
     */
    LOAD
}
