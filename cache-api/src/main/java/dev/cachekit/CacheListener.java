package dev.cachekit;

import java.time.Duration;
import java.util.SortedSet;

/**
 * Hears every operation of a cache, for metrics, tracing and logs: reads with their outcome, writes,
 * removals, flushes, each step of a load, how long callers waited for another caller's load, and
 * store errors, with durations measured on a monotonic clock.
 *
 * <p>Each method is called synchronously on the thread that made the cache call (for a background
 * touch, on the thread that ran it), after the operation, so it must be quick and must not call the
 * cache back; an exception it throws is logged and otherwise ignored. Every method does nothing by
 * default, so a listener overrides only what it needs.
 *
 * <p>The keys passed are the caller's keys, without the prefix. A bulk call is heard key by key
 * ({@code getAll} of 50 keys: 50 {@link #read} calls, each with the duration of the whole call; a
 * flush or a failed store call once), and an async call on the executor's thread that ran it.
 */
public interface CacheListener {

    /** A listener that hears nothing. */
    CacheListener NONE = new CacheListener() {};

    /** What a read found. */
    enum ReadResult {
        /** A value. */
        HIT,
        /** A cached {@code null} (negative caching). */
        CACHED_NULL,
        /** Nothing valid: absent, expired, or written under a tag version since flushed. */
        MISS
    }

    /**
     * A read finished: {@code get}, or the reads {@code getOrLoad} makes before and after waiting.
     *
     * @param key the key
     * @param result what it found
     * @param took how long the read took, store round trips and decoding included
     */
    default void read(String key, ReadResult result, Duration took) {}

    /**
     * An entry was written by {@code put} (a value loaded by {@code getOrLoad} is reported by {@link
     * #stored} instead).
     *
     * @param key the key
     * @param took how long the write took
     */
    default void put(String key, Duration took) {}

    /**
     * {@code remove} deleted the key (whether or not it was present).
     *
     * @param key the key
     * @param took how long the removal took
     */
    default void removed(String key, Duration took) {}

    /**
     * A tagged view's {@code flush} replaced its tags' versions.
     *
     * @param tags the flushed tags
     * @param took how long the flush took
     */
    default void flushed(SortedSet<String> tags, Duration took) {}

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
     * {@code getOrLoad} found the key's load lock held elsewhere and starts waiting for the holder's
     * value.
     *
     * @param key the key
     */
    default void waitingForHolder(String key) {}

    /**
     * {@code getOrLoad} stopped waiting for another caller's load (in this JVM or another).
     *
     * @param key the key
     * @param waited how long it waited
     * @param gotValue {@code true} if the wait ended with the other caller's value; {@code false} if
     *     it ended otherwise (the lock came free without a value, the load timeout passed, the
     *     other caller failed)
     */
    default void waited(String key, Duration waited, boolean gotValue) {}

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

    /**
     * A store operation failed: the cache throws it on to the caller, or, under the {@code load}
     * store-error policy, goes on without the store.
     *
     * @param operation what the cache was doing: {@code get}, {@code put}, {@code remove}, {@code
     *     flush}, {@code lock}, {@code store-loaded}, {@code getAll}, {@code putAll}, {@code
     *     removeAll}
     * @param key the key, or {@code null} when the operation has none (a flush) or many (a bulk call)
     * @param error the failure
     */
    default void storeError(String operation, String key, StoreException error) {}

    /**
     * A read inside the entry's refresh-ahead window started a background reload (this cache won
     * the key's load lock; a caller that loses it hears nothing).
     *
     * @param key the key
     */
    default void refreshStarted(String key) {}

    /**
     * A background refresh wrote its new value.
     *
     * @param key the key
     * @param took how long the reload took, loader and write
     */
    default void refreshed(String key, Duration took) {}

    /**
     * A background refresh failed (the loader threw, or the store did): the entry stays as it was
     * and still expires at its old time.
     *
     * @param key the key
     * @param failure what failed
     */
    default void refreshFailed(String key, Throwable failure) {}
}
