package dev.cachekit.tck;

import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.util.List;
import java.util.Map;

/** A store that passes every call on; a defective store overrides the one call it gets wrong. */
class ForwardingStore implements Store {

    final Store delegate;

    ForwardingStore(Store delegate) {
        this.delegate = delegate;
    }

    @Override
    public StoreCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public byte[] get(String key) {
        return getAll(List.of(key)).get(0);
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        return delegate.getAll(keys);
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        delegate.set(key, value, ttlMillis);
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        delegate.setAll(entries, ttlMillis);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        return delegate.setIfAbsent(key, value, ttlMillis);
    }

    @Override
    public boolean delete(String key) {
        return delegate.delete(key);
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        return delegate.compareAndDelete(key, expected);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        return delegate.compareAndSet(key, expected, value, ttlMillis);
    }

    @Override
    public long increment(String key) {
        return delegate.increment(key);
    }

    @Override
    public String describe() {
        return "defective " + delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
