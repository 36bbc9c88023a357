package dev.cachekit;

import java.time.Duration;

/**
 * Hears what the cache does, for metrics, tracing and logs. Each method is called synchronously on
 * the thread that made the cache call, so it must be quick; an exception it throws is logged and
 * otherwise ignored. Every method does nothing by default.
 *
 * <p>The keys passed are the caller's keys, without the prefix.
 */
public interface CacheListener {

    /** A listener that hears nothing. */
    CacheListener NONE = new CacheListener() {};

    /**
     * A read found a value or a cached null.
     *
     * @param key the key
     */
    default void hit(String key) {}

    /**
     * A read found nothing valid (absent, expired, or written under other tag versions).
     *
     * @param key the key
     */
    default void miss(String key) {}

    /**
     * {@code getOrLoad} found another thread of this JVM loading the key and waits for its result.
     *
     * @param key the key
     */
    default void joinedLoad(String key) {}

    /**
     * {@code getOrLoad} acquired the key's distributed load lock.
     *
     * @param key the key
     */
    default void lockAcquired(String key) {}

    /**
     * {@code getOrLoad} found the key's load lock held elsewhere and waits for the holder's value.
     *
     * @param key the key
     */
    default void waitingForHolder(String key) {}

    /**
     * The loader returned.
     *
     * @param key the key
     * @param took how long the loader ran
     */
    default void loaded(String key, Duration took) {}

    /**
     * A loaded value was written to the store.
     *
     * @param key the key
     */
    default void stored(String key) {}

    /**
     * The loader threw.
     *
     * @param key the key
     * @param failure what it threw
     */
    default void loadFailed(String key, Throwable failure) {}
}
