package dev.cachekit.tck;

import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Store} decorator that counts the calls made to each operation, so a test can assert
 * round trips (a tagged read is one multi-get, a flush costs the same whatever the number of
 * entries, a hit takes no lock) instead of timing them. It can also run an action just before the
 * next call of an operation, to put a competing write exactly between two steps of the code under
 * test.
 *
 * <pre>{@code
 * CountingStore counting = new CountingStore(backend.store());
 * Cache cache = Cache.builder().store(counting).build();
 * cache.tags("users").get("user:42", User.class);
 * assertThat(counting.counts()).containsOnly(entry(CountingStore.Op.GET_ALL, 1L));
 * }</pre>
 *
 * <p>Thread-safe. Closing it closes the delegate.
 */
public final class CountingStore implements Store {

    /** The counted operations of a {@link Store}. */
    public enum Op {
        /** {@link Store#get}. */
        GET,
        /** {@link Store#getAll}. */
        GET_ALL,
        /** {@link Store#set}. */
        SET,
        /** {@link Store#setAll}. */
        SET_ALL,
        /** {@link Store#setIfAbsent}. */
        SET_IF_ABSENT,
        /** {@link Store#delete}. */
        DELETE,
        /** {@link Store#compareAndDelete}. */
        COMPARE_AND_DELETE,
        /** {@link Store#compareAndSet}. */
        COMPARE_AND_SET,
        /** {@link Store#increment}. */
        INCREMENT
    }

    private final Store delegate;
    private final Map<Op, AtomicLong> counts = new EnumMap<>(Op.class);
    private final Map<Op, Runnable> before = new ConcurrentHashMap<>();

    /**
     * Counts the calls made to {@code delegate} through this store.
     *
     * @param delegate the store to count calls to
     */
    public CountingStore(Store delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        for (Op op : Op.values()) {
            counts.put(op, new AtomicLong());
        }
    }

    /**
     * The decorated store.
     *
     * @return the delegate
     */
    public Store delegate() {
        return delegate;
    }

    /**
     * How many times {@code op} was called since creation or the last {@link #reset()}.
     *
     * @param op the operation
     * @return the count
     */
    public long count(Op op) {
        return counts.get(op).get();
    }

    /**
     * The calls made to every operation, in total.
     *
     * @return the sum of all counts
     */
    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /**
     * The operations called at least once, with their counts.
     *
     * @return a snapshot, in {@link Op} order
     */
    public Map<Op, Long> counts() {
        Map<Op, Long> snapshot = new EnumMap<>(Op.class);
        counts.forEach((op, count) -> {
            if (count.get() > 0) {
                snapshot.put(op, count.get());
            }
        });
        return Collections.unmodifiableMap(snapshot);
    }

    /** Sets every count back to zero. */
    public void reset() {
        counts.values().forEach(count -> count.set(0));
    }

    /**
     * Runs {@code action} once, on the calling thread, just before the next call of {@code op} is
     * passed to the delegate (and counted).
     *
     * @param op the operation to wait for
     * @param action what to run before it; exceptions it throws reach the caller of {@code op}
     */
    public void runBeforeNext(Op op, Runnable action) {
        before.put(Objects.requireNonNull(op, "op"), Objects.requireNonNull(action, "action"));
    }

    private void called(Op op) {
        Runnable action = before.remove(op);
        if (action != null) {
            action.run();
        }
        counts.get(op).incrementAndGet();
    }

    @Override
    public StoreCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public byte[] get(String key) {
        called(Op.GET);
        return delegate.get(key);
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        called(Op.GET_ALL);
        return delegate.getAll(keys);
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        called(Op.SET);
        delegate.set(key, value, ttlMillis);
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        called(Op.SET_ALL);
        delegate.setAll(entries, ttlMillis);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        called(Op.SET_IF_ABSENT);
        return delegate.setIfAbsent(key, value, ttlMillis);
    }

    @Override
    public boolean delete(String key) {
        called(Op.DELETE);
        return delegate.delete(key);
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        called(Op.COMPARE_AND_DELETE);
        return delegate.compareAndDelete(key, expected);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        called(Op.COMPARE_AND_SET);
        return delegate.compareAndSet(key, expected, value, ttlMillis);
    }

    @Override
    public long increment(String key) {
        called(Op.INCREMENT);
        return delegate.increment(key);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "CountingStore[" + delegate.describe() + " " + counts() + "]";
    }
}
