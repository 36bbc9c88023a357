package dev.cachekit;

import java.time.Duration;

/**
 * Reads and writes of entries, shared by the whole {@link Cache} (untagged entries) and a {@link
 * TaggedCache} (entries under a set of tags). Tags are metadata of an entry, not part of its
 * identity: an entry records the tags it was written under, and any view (untagged, a subset, a
 * superset of its tags) reads it as long as every one of those tags is current; once one is flushed
 * it is a miss through every view. A write through any view replaces the entry and the tags it
 * records.
 *
 * <p>Keys and values: a key is a non-empty string; a value is any object the cache's codec accepts,
 * or {@code null}, which is cached as a null (negative caching) for the null TTL.
 *
 * <p>All methods are thread-safe. A store that cannot be reached gives a {@link
 * dev.cachekit.StoreException} naming the server; the same cache works again once the server
 * is back, without being rebuilt.
 */
public interface CacheView {

    /**
     * Reads an entry. Through a view naming every tag the entry carries this is one round trip (one
     * multi-get of the entry and the view's tag versions); through any other view, one more
     * multi-get fetches the versions of the entry's tags the view did not name.
     *
     * @param key the key
     * @param type the value's type
     * @param <T> the value's type
     * @return a miss, a cached null or the value
     * @throws NullPointerException if key or type is null
     * @throws IllegalArgumentException if the key is empty or too long for the store
     * @throws dev.cachekit.CorruptEntryException if the stored bytes are damaged or were
     *     written with another codec
     * @throws dev.cachekit.CodecException if the value's class is not on the codec's
     *     allow-list or is not a {@code type}
     */
    <T> Lookup<T> get(String key, Class<T> type);

    /**
     * Writes an entry with the default TTL (the null TTL if {@code value} is null).
     *
     * @param key the key
     * @param value the value, or {@code null}
     * @throws IllegalArgumentException if the key is empty or too long, or the encoded value is
     *     larger than the store accepts (nothing is written then)
     */
    void put(String key, Object value);

    /**
     * Writes an entry with an explicit TTL.
     *
     * @param key the key
     * @param value the value, or {@code null}
     * @param ttl how long the entry lives; {@link Cache#FOREVER} for no expiry
     * @throws IllegalArgumentException if the TTL is zero or negative, the key is empty or too
     *     long, or the encoded value is larger than the store accepts
     */
    void put(String key, Object value, Duration ttl);

    /**
     * Deletes an entry, whatever tags it was written with.
     *
     * @param key the key
     */
    void remove(String key);

    /**
     * Returns the cached value, or loads it once cluster-wide and caches it with the default TTL.
     * See {@link #getOrLoad(String, Class, Duration, Loader)}.
     *
     * @param key the key
     * @param type the value's type
     * @param loader loads the value on a miss
     * @param <T> the value's type
     * @return the value (null if a null is cached or the loader returned null)
     */
    <T> T getOrLoad(String key, Class<T> type, Loader<? extends T> loader);

    /**
     * Returns the cached value, or loads it once cluster-wide and caches it.
     *
     * <ol>
     *   <li>Reads the entry (one round trip). A hit, value or cached null, is returned with no lock
     *       traffic.
     *   <li>In this JVM, one thread per key goes on; the others wait for its result.
     *   <li>That thread tries the key's distributed load lock. If it wins, it reads again, and on a
     *       miss calls the loader, writes the value and releases the lock. If it loses, it waits for
     *       the holder's release (woken by a signal where the backend has one, else by jittered
     *       backoff from about 1 ms) and reads again, until a value appears or the load timeout
     *       passes; then the {@link LoadTimeoutPolicy} decides.
     * </ol>
     *
     * <p>Callers in this JVM that waited for another thread's load receive the very object that
     * thread's loader returned, not a decoded copy: treat loaded values as immutable. The single
     * flight is per key, whatever the view's tags.
     *
     * <p>A loader failure reaches every caller waiting in this JVM as a {@link CacheLoadException}
     * and caches nothing. A store failure (server down) is decided by the {@link StoreErrorPolicy}:
     * under {@link StoreErrorPolicy#FAIL}, the default, it is thrown as a {@link
     * dev.cachekit.StoreException} and the loader is not called, so an outage of the cache never
     * turns into a stampede on the source; under {@link StoreErrorPolicy#LOAD} the loader runs (one
     * caller per key at a time in this JVM) and its value is returned, even when writing it fails.
     *
     * @param key the key
     * @param type the value's type
     * @param ttl the TTL of a loaded value; {@link Cache#FOREVER} for no expiry
     * @param loader loads the value on a miss
     * @param <T> the value's type
     * @return the value (null if a null is cached or the loader returned null)
     * @throws CacheLoadException if the loader threw
     * @throws CacheLoadTimeoutException if the timeout passed under {@link LoadTimeoutPolicy#FAIL}
     */
    <T> T getOrLoad(String key, Class<T> type, Duration ttl, Loader<? extends T> loader);
}
