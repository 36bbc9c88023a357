package dev.cachekit.spi;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Bytes by key: the one thing a backend must provide. Everything else (tags, locks, loading,
 * envelopes, codecs) is built on top of it by the cache.
 *
 * <p><b>Keys</b> are non-empty, well-formed UTF-16 strings (the cache's {@link KeyLayout} escapes
 * lone surrogates) that the cache has already checked against {@link #capabilities()}. Two keys
 * that differ in any character are two entries: a store that maps keys to another form (bytes, a
 * hash, an escaped protocol key) must do so without loss, whatever the characters (non-Latin
 * scripts, spaces, tabs, line breaks, other control characters).
 *
 * <p><b>Values</b> are byte arrays, compared as bytes: an empty array is a value like any other
 * (present, and distinct from absent), and a compare operation matches only a value of exactly the
 * expected bytes (an empty {@code expected} matches only an empty value, never "anything").
 *
 * <p><b>Copies, on every path</b>: the store never keeps a reference to an array it was given
 * ({@code set}, {@code setAll}, {@code setIfAbsent}, {@code compareAndSet}: the caller may change
 * the array after the call returns), and every array it returns ({@code get}, each element of
 * {@code getAll}) belongs to the caller: no two elements of a result are the same array, and
 * changing one changes nothing the store or another caller sees.
 *
 * <p><b>TTLs</b> are in milliseconds, positive, or {@link #NO_EXPIRY}; every write that takes a TTL
 * gives the entry exactly that TTL, replacing the one it had ({@link #NO_EXPIRY} included: a
 * conditional write with {@code NO_EXPIRY} over an entry that had a TTL leaves it without one). A
 * TTL is a duration however long (more than 30 days, years), never read as a point in time nor
 * cut short. A store rounds a TTL up to its {@linkplain StoreCapabilities#ttlGranularity()
 * granularity} {@code g}, never down and never to "no expiry": an entry written with TTL {@code t}
 * is readable for {@code t} (less the time the write took) and gone at the latest {@code t + 2g}
 * after the write. An expired entry is absent for every operation, conditional writes included:
 * {@code setIfAbsent} writes over it, {@code compareAndSet} and {@code compareAndDelete} do not
 * match it.
 *
 * <p><b>Atomicity</b>: {@code setIfAbsent}, {@code compareAndSet}, {@code compareAndDelete} and
 * {@link #increment} are atomic with respect to every client of the store (other connections,
 * other processes, other cluster members); {@code setAll} need not be atomic as a whole.
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
     * @param keys the keys, any number (thousands in one call are fine: a store whose protocol
     *     limits a batch splits it, keeping the order); may repeat a key
     * @return a list of the same size and order as {@code keys}, with {@code null} for each absent
     *     key; every element a fresh array the caller owns (a repeated key gets two arrays)
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
     * Writes many keys, in one round trip where the backend can (one per server involved, for a
     * sharded store; a store whose protocol limits a batch splits it).
     *
     * @param entries keys and values; the store copies the values (it keeps no reference to them)
     * @param ttlMillis the TTL of every entry, or {@link #NO_EXPIRY}
     */
    void setAll(Map<String, byte[]> entries, long ttlMillis);

    /**
     * Writes a key only if it is absent, atomically with respect to every client of the store.
     *
     * @param key the key
     * @param value the value
     * @param ttlMillis the TTL in milliseconds, or {@link #NO_EXPIRY}
     * @return {@code true} if this call wrote the value (the key was absent or expired)
     */
    boolean setIfAbsent(String key, byte[] value, long ttlMillis);

    /**
     * Writes each of several keys only if it is absent, each atomically on its own (some may be
     * written and others not), in as few round trips as the backend can: a pipeline or a script,
     * one per server involved for a sharded store. Load locks of a bulk load are taken with it. The
     * default writes them one by one, in order.
     *
     * <p>A failure may leave some keys written: the caller cleans up what it may have written.
     *
     * @param entries distinct keys and their values, in the order answered; the store copies the
     *     values
     * @param ttlMillis the TTL of every key written, or {@link #NO_EXPIRY}
     * @return one element per entry, in the map's order: {@code true} if this call wrote it
     */
    default List<Boolean> setIfAbsentAll(Map<String, byte[]> entries, long ttlMillis) {
        List<Boolean> written = new java.util.ArrayList<>(entries.size());
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            written.add(setIfAbsent(entry.getKey(), entry.getValue(), ttlMillis));
        }
        return written;
    }

    /**
     * Deletes a key.
     *
     * @param key the key
     * @return {@code true} if the key was present
     */
    boolean delete(String key);

    /**
     * Deletes many keys, in one round trip where the backend can (one per server involved, for a
     * sharded store). The default deletes them one by one, one round trip each: a backend with a
     * multi-key delete overrides it ({@code DEL k1 k2 ...}, pipelined deletes). As for {@link
     * #getAll}, a store whose protocol limits a batch splits it; the answer counts the whole call.
     *
     * @param keys the keys, any number; may repeat a key
     * @return how many of the distinct keys were present (an expired key was not)
     */
    default int deleteAll(List<String> keys) {
        int present = 0;
        for (String key : new LinkedHashSet<>(keys)) {
            if (delete(key)) {
                present++;
            }
        }
        return present;
    }

    /**
     * Deletes a key only if its value equals {@code expected}, atomically.
     *
     * @param key the key
     * @param expected the exact bytes the key must hold (an empty array matches only an empty value)
     * @return {@code true} if this call deleted the key; {@code false} if it was absent or expired
     */
    boolean compareAndDelete(String key, byte[] expected);

    /**
     * Replaces a key's value only if it equals {@code expected}, atomically, giving it a new TTL.
     *
     * @param key the key
     * @param expected the exact bytes the key must hold (an empty array matches only an empty value)
     * @param value the new value
     * @param ttlMillis the new TTL, replacing the old one; {@link #NO_EXPIRY} removes it
     * @return {@code true} if this call replaced the value; {@code false} if it was absent or expired
     */
    boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis);

    /**
     * Adds one to a counter kept under {@code key} (created at 1 if absent), atomically, and
     * returns the new value. Counters never expire (they are written with {@link #NO_EXPIRY}). The default implementation is a
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
