package dev.cachekit.core;

import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A store over a shared memory space that counts the calls that would be round trips to a server. */
final class CountingStore implements Store {

    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    final List<String> readKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MemoryStore delegate;

    CountingStore(MemoryStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public StoreCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        calls.incrementAndGet();
        reads.incrementAndGet();
        readKeys.addAll(keys);
        return delegate.getAll(keys);
    }

    @Override
    public byte[] get(String key) {
        return getAll(List.of(key)).get(0);
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        calls.incrementAndGet();
        delegate.set(key, value, ttlMillis);
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        calls.incrementAndGet();
        delegate.setAll(entries, ttlMillis);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        calls.incrementAndGet();
        return delegate.setIfAbsent(key, value, ttlMillis);
    }

    @Override
    public boolean delete(String key) {
        calls.incrementAndGet();
        return delegate.delete(key);
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        calls.incrementAndGet();
        return delegate.compareAndDelete(key, expected);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        calls.incrementAndGet();
        return delegate.compareAndSet(key, expected, value, ttlMillis);
    }

    @Override
    public long increment(String key) {
        calls.incrementAndGet();
        return delegate.increment(key);
    }

    @Override
    public String describe() {
        return "counting " + delegate.describe();
    }

    @Override
    public void close() {}
}
