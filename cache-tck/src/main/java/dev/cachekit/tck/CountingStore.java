package dev.cachekit.tck;

import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Store} decorator that counts the calls made to each operation, for tests and
 * diagnostics: "a tagged read is one multi-get" and "a flush is one multi-set" are asserted with
 * it, on any backend.
 *
 * <p>Thread-safe; counting costs one atomic increment per call.
 */
public final class CountingStore implements Store {

    /** The operations counted. */
    public enum Operation {
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
        INCREMENT,
        /** {@link Store#deleteAll}. */
        DELETE_ALL
    }

    private final Store delegate;
    private final Map<Operation, AtomicLong> counts = new EnumMap<>(Operation.class);

    /**
     * Wraps a store.
     *
     * @param delegate the store that does the work
     */
    public CountingStore(Store delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        for (Operation operation : Operation.values()) {
            counts.put(operation, new AtomicLong());
        }
    }

    /**
     * How many calls of {@code operation} were made since creation or the last {@link #reset()}.
     *
     * @param operation the operation
     * @return the count
     */
    public long count(Operation operation) {
        return counts.get(operation).get();
    }

    /**
     * How many calls were made in all (each a round trip to the store, or one per server involved).
     *
     * @return the sum of every operation's count
     */
    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /**
     * The counts of every operation.
     *
     * @return a snapshot
     */
    public Map<Operation, Long> snapshot() {
        Map<Operation, Long> copy = new EnumMap<>(Operation.class);
        counts.forEach((operation, count) -> copy.put(operation, count.get()));
        return copy;
    }

    /** Sets every count back to zero. */
    public void reset() {
        counts.values().forEach(count -> count.set(0));
    }

    @Override
    public StoreCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public byte[] get(String key) {
        counts.get(Operation.GET).incrementAndGet();
        return delegate.get(key);
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        counts.get(Operation.GET_ALL).incrementAndGet();
        return delegate.getAll(keys);
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        counts.get(Operation.SET).incrementAndGet();
        delegate.set(key, value, ttlMillis);
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        counts.get(Operation.SET_ALL).incrementAndGet();
        delegate.setAll(entries, ttlMillis);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        counts.get(Operation.SET_IF_ABSENT).incrementAndGet();
        return delegate.setIfAbsent(key, value, ttlMillis);
    }

    @Override
    public boolean delete(String key) {
        counts.get(Operation.DELETE).incrementAndGet();
        return delegate.delete(key);
    }

    @Override
    public int deleteAll(List<String> keys) {
        counts.get(Operation.DELETE_ALL).incrementAndGet();
        return delegate.deleteAll(keys);
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        counts.get(Operation.COMPARE_AND_DELETE).incrementAndGet();
        return delegate.compareAndDelete(key, expected);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        counts.get(Operation.COMPARE_AND_SET).incrementAndGet();
        return delegate.compareAndSet(key, expected, value, ttlMillis);
    }

    @Override
    public long increment(String key) {
        counts.get(Operation.INCREMENT).incrementAndGet();
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
}
