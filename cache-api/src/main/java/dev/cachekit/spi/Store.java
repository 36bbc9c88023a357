package dev.cachekit.spi;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Bytes by key: the one thing a backend must provide. Everything else (tags, locks, loading,
 * envelopes, codecs) is built on top of it by the cache.
 *
 * <p>Keys are non-empty strings that the cache has already checked against {@link
 * #capabilities()}; values are byte arrays the store must not keep a reference to after returning
 * (nor may the caller rely on the store copying them). TTLs are in milliseconds; {@link #NO_EXPIRY}
 * means the entry lives until deleted or evicted. A store rounds a TTL up to its granularity.
 *
 * <p>Implementations are thread-safe. A failure to reach the server is reported as a {@link
 * StoreException} naming the server.
 */
public interface Store extends AutoCloseable {

    /** The TTL that means "no expiry". */
    long NO_EXPIRY = 0L;

    /**
     * What this store can do.
     *
     * @return the capabilities, constant for the life of the store
     */
    StoreCapabilities capabilities();

    /**
     * Reads one key.
     *
     * @param key the key
     * @return the value, or {@code null} if absent or expired
     */
    default byte[] get(String key) {
        return getAll(List.of(key)).get(0);
    }

    /**
     * Reads many keys in one round trip (one per server involved, for a sharded store).
     *
     * @param keys the keys; may repeat a key
     * @return a list of the same size and order as {@code keys}, with {@code null} for each absent
     *     key
     */
    List<byte[]> getAll(List<String> keys);

    /**
     * Writes a key unconditionally.
     *
     * @param key the key
     * @param value the value
     * @param ttlMillis the TTL in milliseconds, or {@link #NO_EXPIRY}
     */
    void set(String key, byte[] value, long ttlMillis);

    /**
     * Writes many keys, in one round trip where the backend can.
     *
     * @param entries keys and values
     * @param ttlMillis the TTL of every entry, or {@link #NO_EXPIRY}
     */
    void setAll(Map<String, byte[]> entries, long ttlMillis);

    /**
     * Writes a key only if it is absent, atomically with respect to every client of the store.
     *
     * @param key the key
     * @param value the value
     * @param ttlMillis the TTL in milliseconds, or {@link #NO_EXPIRY}
     * @return {@code true} if this call wrote the value
     */
    boolean setIfAbsent(String key, byte[] value, long ttlMillis);

    /**
     * Deletes a key.
     *
     * @param key the key
     * @return {@code true} if the key was present
     */
    boolean delete(String key);

    /**
     * Deletes a key only if its value equals {@code expected}, atomically.
     *
     * @param key the key
     * @param expected the value the key must hold
     * @return {@code true} if this call deleted the key
     */
    boolean compareAndDelete(String key, byte[] expected);

    /**
     * Replaces a key's value only if it equals {@code expected}, atomically, giving it a new TTL.
     *
     * @param key the key
     * @param expected the value the key must hold
     * @param value the new value
     * @param ttlMillis the new TTL, or {@link #NO_EXPIRY}
     * @return {@code true} if this call replaced the value
     */
    boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis);

    /**
     * Adds one to a counter kept under {@code key} (created at 1 if absent), atomically, and
     * returns the new value. Counters never expire. The default implementation is a
     * compare-and-set loop over the other operations; stores with a native counter ({@code INCR})
     * override it.
     *
     * @param key the counter's key
     * @return the counter's value after this call
     */
    default long increment(String key) {
        while (true) {
            byte[] current = get(key);
            if (current == null) {
                if (setIfAbsent(key, "1".getBytes(StandardCharsets.US_ASCII), NO_EXPIRY)) {
                    return 1;
                }
                continue;
            }
            long next;
            try {
                next = Long.parseLong(new String(current, StandardCharsets.US_ASCII)) + 1;
            } catch (NumberFormatException e) {
                throw new CorruptEntryException(key, "counter holds " + Arrays.toString(current) + ", not a number");
            }
            if (compareAndSet(key, current, Long.toString(next).getBytes(StandardCharsets.US_ASCII), NO_EXPIRY)) {
                return next;
            }
        }
    }

    /**
     * Names the store and the server(s) it talks to, for messages: {@code redis 127.0.0.1:6379}.
     *
     * @return a short description
     */
    String describe();

    /** Releases the store's connections. Idempotent. */
    @Override
    void close();
}
