package dev.cachekit;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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
 * <p><b>Bulk calls</b> ({@link #getAll}, {@link #putAll}, {@link #removeAll}, {@link
 * #getOrLoadAll}) take any number of keys at the cost of one: the single-key calls are their
 * size-1 case. A collection of keys may repeat a key (it counts once; a result map holds each key
 * once, in the order of its first appearance), may be empty (nothing is sent to the store, the
 * result is empty), and must not hold a null or empty key: every key is checked before anything
 * is sent, so a bad key fails the whole call and nothing is read or written.
 *
 * <p><b>Async calls</b> ({@code ...Async}) run the blocking call on the cache's executor ({@link
 * dev.cachekit.core.CacheBuilder#executor}; by default the cache's own bounded pool, never the
 * common pool) and complete with its result, or exceptionally with the very exception the
 * blocking call would throw. Argument errors are thrown at once, not through the future.
 * Cancelling a future does not interrupt a load in flight: the load ends, writes its value and
 * releases its lock, so no lock or single-flight entry is left behind; a call still queued when
 * its future is cancelled does not run. An executor that refuses the call (the cache's own pool
 * with its queue full) completes the future exceptionally with a {@link CacheException} saying it
 * is saturated.
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

    /**
     * Reads many entries in one round trip: one multi-get carries every entry and the view's tag
     * versions, whatever the number of keys; a second one fetches, once for the whole batch, the
     * versions of tags that some entries record and the view did not name. A store with a batch
     * limit splits the multi-get (see {@link dev.cachekit.spi.Store#getAll}); a sharded store
     * sends one per server, in parallel.
     *
     * @param keys the keys (see the class comment for repeats, empty and bad keys)
     * @param type the values' type
     * @param <T> the values' type
     * @return every distinct key, in the order given, with its miss, cached null or value
     * @throws NullPointerException if keys, a key or type is null
     * @throws IllegalArgumentException if a key is empty or too long for the store
     * @throws dev.cachekit.CorruptEntryException if one entry's bytes are damaged (naming its key)
     * @throws dev.cachekit.CodecException if one value's class is refused (naming its key)
     */
    <T> Map<String, Lookup<T>> getAll(Collection<String> keys, Class<T> type);

    /**
     * Writes many entries with the default TTL (the null TTL for a null value), in one multi-set
     * where the store has one. Every value is encoded before anything is written: a value that
     * cannot be encoded fails the whole call, naming its key, and nothing is written.
     *
     * @param entries keys and values (null values allowed; iteration order is kept)
     * @throws NullPointerException if entries or a key is null
     * @throws IllegalArgumentException if a key is empty or too long, or a value too large
     * @throws dev.cachekit.CodecException if a value cannot be encoded (naming its key)
     */
    void putAll(Map<String, ?> entries);

    /**
     * Writes many entries with an explicit TTL (null values too), as {@link #putAll(Map)}.
     *
     * @param entries keys and values
     * @param ttl how long every entry lives; {@link Cache#FOREVER} for no expiry
     * @throws IllegalArgumentException if the TTL is not positive, a key is empty or too long, or
     *     a value too large
     */
    void putAll(Map<String, ?> entries, Duration ttl);

    /**
     * Deletes many entries, in one round trip where the store batches deletes.
     *
     * @param keys the keys (repeats count once; empty does nothing)
     * @throws NullPointerException if keys or a key is null
     * @throws IllegalArgumentException if a key is empty or too long
     */
    void removeAll(Collection<String> keys);

    /**
     * Returns the cached values, loading the missing ones with ONE call of the bulk loader, with
     * the default TTL. See {@link #getOrLoadAll(Collection, Class, Duration, BulkLoader)}.
     *
     * @param keys the keys
     * @param type the values' type
     * @param loader loads the missing keys
     * @param <T> the values' type
     * @return every distinct key, in the order given, with its value ({@code null} for a cached
     *     null, a loaded null, or a key the loader did not return)
     */
    <T> Map<String, T> getOrLoadAll(Collection<String> keys, Class<T> type, BulkLoader<? extends T> loader);

    /**
     * Returns the cached values, loading the missing ones with ONE call of the bulk loader and
     * caching them, with the guarantees of {@link #getOrLoad} per key.
     *
     * <ol>
     *   <li>One read for all keys (as {@link #getAll}); hits are returned with no lock traffic.
     *   <li>A missing key that another thread of this JVM is loading is waited for, not loaded
     *       again; the others are this call's to load.
     *   <li>Their load locks are taken together, in as few round trips as the store allows, in one
     *       fixed order, so two callers with overlapping key sets never deadlock. A key whose lock
     *       another node holds is waited for as {@code getOrLoad} waits.
     *   <li>The keys whose lock this call holds are read again, and those still missing go to the
     *       loader, in one call; the values are written in one multi-set and the locks released.
     * </ol>
     *
     * <p>A key the loader did not return maps to {@code null} and is cached as a null only when the
     * cache was built with {@link dev.cachekit.core.CacheBuilder#cacheAbsent(boolean)}. A loader
     * failure fails only the keys it was asked for: they are named by the {@link
     * CacheBulkLoadException} thrown, which also carries the other keys' values. Store errors are
     * decided by the {@link StoreErrorPolicy}, as for {@code getOrLoad}.
     *
     * @param keys the keys
     * @param type the values' type
     * @param ttl the TTL of loaded values; {@link Cache#FOREVER} for no expiry
     * @param loader loads the missing keys
     * @param <T> the values' type
     * @return every distinct key, in the order given, with its value ({@code null} for a cached
     *     null, a loaded null, or a key the loader did not return)
     * @throws CacheBulkLoadException if the loader threw, or a load this call waited for failed
     * @throws CacheLoadTimeoutException if a key's timeout passed under {@link LoadTimeoutPolicy#FAIL}
     */
    <T> Map<String, T> getOrLoadAll(
            Collection<String> keys, Class<T> type, Duration ttl, BulkLoader<? extends T> loader);

    /**
     * {@link #get} on the cache's executor.
     *
     * @param key the key
     * @param type the value's type
     * @param <T> the value's type
     * @return a future of the lookup
     */
    <T> CompletableFuture<Lookup<T>> getAsync(String key, Class<T> type);

    /**
     * {@link #getAll} on the cache's executor.
     *
     * @param keys the keys
     * @param type the values' type
     * @param <T> the values' type
     * @return a future of the lookups
     */
    <T> CompletableFuture<Map<String, Lookup<T>>> getAllAsync(Collection<String> keys, Class<T> type);

    /**
     * {@link #put(String, Object)} on the cache's executor.
     *
     * @param key the key
     * @param value the value, or {@code null}
     * @return a future completing once the entry is written
     */
    CompletableFuture<Void> putAsync(String key, Object value);

    /**
     * {@link #put(String, Object, Duration)} on the cache's executor.
     *
     * @param key the key
     * @param value the value, or {@code null}
     * @param ttl how long the entry lives
     * @return a future completing once the entry is written
     */
    CompletableFuture<Void> putAsync(String key, Object value, Duration ttl);

    /**
     * {@link #getOrLoad(String, Class, Loader)} without blocking the caller, with a loader that
     * returns a stage; the default TTL.
     *
     * @param key the key
     * @param type the value's type
     * @param loader starts loading the value on a miss
     * @param <T> the value's type
     * @return a future of the value
     */
    <T> CompletableFuture<T> getOrLoadAsync(String key, Class<T> type, AsyncLoader<? extends T> loader);

    /**
     * {@link #getOrLoad(String, Class, Duration, Loader)} without blocking the caller: the read, the
     * lock and the wait run on the cache's executor, and the loader's stage is awaited there too
     * (never on a common-pool thread). One load per key cluster-wide, as the blocking call.
     *
     * <p>The stage is awaited for at most the load timeout ({@link
     * dev.cachekit.core.CacheBuilder#loadTimeout}), as long as other callers wait for it: a stage
     * still running then fails the call with a {@link CacheLoadException} whose cause is a {@link
     * java.util.concurrent.TimeoutException}, nothing is cached, and the load lock is released.
     *
     * @param key the key
     * @param type the value's type
     * @param ttl the TTL of a loaded value
     * @param loader starts loading the value on a miss
     * @param <T> the value's type
     * @return a future of the value; exceptionally with {@link CacheLoadException} if the
     *     loader's stage failed
     */
    <T> CompletableFuture<T> getOrLoadAsync(String key, Class<T> type, Duration ttl, AsyncLoader<? extends T> loader);

    /**
     * This view with another refresh-ahead rule for its {@code getOrLoad} and {@code
     * getOrLoadAll} reads (the cache's rule is {@link dev.cachekit.core.CacheBuilder#refreshAhead}).
     *
     * @param rule the rule, {@link RefreshAhead#off()} to turn it off for this view
     * @return a view over the same entries and tags
     */
    CacheView withRefreshAhead(RefreshAhead rule);
}
