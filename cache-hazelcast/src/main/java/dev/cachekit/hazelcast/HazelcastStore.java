package dev.cachekit.hazelcast;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.cachekit.CorruptEntryException;
import dev.cachekit.StoreException;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link Store} over one {@link IMap}{@code <String, byte[]>} of a member or a client.
 *
 * <p>Every write passes its TTL explicitly, so {@link Store#NO_EXPIRY} means "never" whatever TTL
 * the map's configuration gives. Hazelcast keeps expiry times in whole seconds, rounded down, so an
 * entry could expire up to a second before its TTL: TTLs are therefore rounded up to whole seconds
 * plus one, and an entry lives at least its TTL and at most two seconds longer. Byte arrays are kept in the map's binary form, so {@code remove(key,
 * value)} compares them by content. Compare-and-set and increment run as entry processors on the
 * partition that owns the key: their classes must be on the members' class path.
 */
final class HazelcastStore implements Store {

    private static final StoreCapabilities CAPABILITIES =
            new StoreCapabilities(Duration.ofSeconds(1), StoreCapabilities.UNLIMITED, StoreCapabilities.UNLIMITED);

    // Hazelcast keeps expiry times as int seconds; longer TTLs are capped (at about 34 years).
    private static final long MAX_TTL_SECONDS = Integer.MAX_VALUE / 2;

    private final IMap<String, byte[]> map;
    private final String description;
    private volatile boolean closed;

    HazelcastStore(HazelcastInstance instance, String mapName, String description) {
        Objects.requireNonNull(instance, "instance");
        this.map = instance.getMap(Objects.requireNonNull(mapName, "mapName"));
        this.description = Objects.requireNonNull(description, "description");
    }

    IMap<String, byte[]> map() {
        return map;
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public byte[] get(String key) {
        return call("get", key, () -> map.get(key));
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        Map<String, byte[]> found = call("getAll", keys.size(), () -> map.getAll(new HashSet<>(keys)));
        List<byte[]> values = new ArrayList<>(keys.size());
        Set<String> handedOut = new HashSet<>();
        for (String key : keys) {
            byte[] value = found.get(key);
            // A repeated key gets its own copy: callers may change what they are given.
            values.add(value != null && !handedOut.add(key) ? value.clone() : value);
        }
        return values;
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        long ttl = ttl(ttlMillis);
        run("set", key, () -> map.set(key, value, ttl, TimeUnit.MILLISECONDS));
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        long ttl = ttl(ttlMillis);
        // IMap.setAll takes no TTL; the writes go out together and are awaited together instead.
        run("setAll", entries.size(), () -> {
            List<CompletableFuture<Void>> writes = new ArrayList<>(entries.size());
            entries.forEach((key, value) -> writes.add(
                    map.setAsync(key, value, ttl, TimeUnit.MILLISECONDS).toCompletableFuture()));
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        });
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        long ttl = ttl(ttlMillis);
        return call("putIfAbsent", key, () -> map.putIfAbsent(key, value, ttl, TimeUnit.MILLISECONDS) == null);
    }

    @Override
    public boolean delete(String key) {
        return call("remove", key, () -> map.remove(key) != null);
    }

    /**
     * One {@code removeAsync} per distinct key, sent together and awaited together (each answers
     * the value it removed, so the count is exact; {@code IMap} has no multi-key remove by keys
     * that says which were present).
     */
    @Override
    public int deleteAll(List<String> keys) {
        Set<String> distinct = new LinkedHashSet<>(keys);
        if (distinct.isEmpty()) {
            return 0;
        }
        return call("removeAll", distinct.size(), () -> {
            List<CompletableFuture<byte[]>> removals = new ArrayList<>(distinct.size());
            for (String key : distinct) {
                removals.add(map.removeAsync(key).toCompletableFuture());
            }
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).join();
            int present = 0;
            for (CompletableFuture<byte[]> removal : removals) {
                present += removal.join() != null ? 1 : 0;
            }
            return present;
        });
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        Objects.requireNonNull(expected, "expected");
        return call("remove-if-equal", key, () -> map.remove(key, expected));
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(value, "value");
        long ttl = ttl(ttlMillis);
        return call(
                "compare-and-set", key, () -> map.executeOnKey(key, new CompareAndSetProcessor(expected, value, ttl)));
    }

    /**
     * Advances a lock's fencing counter on its partition owner ({@link FenceProcessor}).
     *
     * @return the token, or {@code null} if the counter holds something that is not a number
     */
    Long nextFence(String key) {
        return call("fencing counter", key, () -> map.executeOnKey(key, new FenceProcessor()));
    }

    @Override
    public long increment(String key) {
        Long next = call("increment", key, () -> map.executeOnKey(key, new IncrementProcessor()));
        if (next == null) {
            throw new CorruptEntryException(key, "counter in " + description + " does not hold a decimal number");
        }
        return next;
    }

    @Override
    public String describe() {
        return description;
    }

    /** Marks the store closed; the Hazelcast instance is closed (or not) by whoever started it. */
    @Override
    public void close() {
        closed = true;
    }

    private void run(String verb, String key, Runnable action) {
        call(verb, key, 0, () -> {
            action.run();
            return null;
        });
    }

    private void run(String verb, int keys, Runnable action) {
        call(verb, null, keys, () -> {
            action.run();
            return null;
        });
    }

    private <T> T call(String verb, String key, Supplier<T> action) {
        return call(verb, key, 0, action);
    }

    private <T> T call(String verb, int keys, Supplier<T> action) {
        return call(verb, null, keys, action);
    }

    /**
     * Runs an operation on the map, turning Hazelcast's failures into {@link StoreException}. The
     * operation is named by its verb and key (or its number of keys) only when it fails, so a
     * read builds no message.
     */
    private <T> T call(String verb, String key, int keys, Supplier<T> action) {
        if (closed) {
            throw new IllegalStateException(description + " store is closed");
        }
        try {
            return action.get();
        } catch (HazelcastException | IllegalStateException | CompletionException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            String operation = key != null ? verb + " " + key : verb + " of " + keys + " keys";
            throw new StoreException(
                    operation + " on " + description + " failed: "
                            + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    cause);
        }
    }

    private static long ttl(long ttlMillis) {
        if (ttlMillis < 0) {
            throw new IllegalArgumentException("ttlMillis must be 0 (no expiry) or positive, was " + ttlMillis);
        }
        if (ttlMillis == NO_EXPIRY) {
            return 0; // Hazelcast's "never expires"
        }
        long seconds = Math.min(MAX_TTL_SECONDS, ttlMillis / 1000 + (ttlMillis % 1000 == 0 ? 0 : 1) + 1);
        return seconds * 1000;
    }
}
