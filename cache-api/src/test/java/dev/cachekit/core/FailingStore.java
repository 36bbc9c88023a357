package dev.cachekit.core;

import dev.cachekit.StoreException;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A memory store whose reads, or writes, fail like a server that went away, on demand; and whose
 * compare-and-set can be held up, like a slow server.
 */
final class FailingStore implements Store {

    final AtomicBoolean readsFail = new AtomicBoolean();
    /** Plain sets (entries) fail. */
    final AtomicBoolean writesFail = new AtomicBoolean();
    /** The conditional writes locks are made of fail. */
    final AtomicBoolean locksFail = new AtomicBoolean();

    /** When set, compare-and-set (what a touch calls) waits for it to open. */
    volatile CountDownLatch casGate;
    /** Compare-and-set calls that finished. */
    final AtomicInteger casDone = new AtomicInteger();

    private final MemoryStore delegate = new MemoryStore();

    void down() {
        readsFail.set(true);
        writesFail.set(true);
        locksFail.set(true);
    }

    private void read() {
        if (readsFail.get()) {
            throw new StoreException("memory test-server is unreachable", null);
        }
    }

    private void write() {
        if (writesFail.get()) {
            throw new StoreException("memory test-server is unreachable", null);
        }
    }

    private void lock() {
        if (locksFail.get()) {
            throw new StoreException("memory test-server is unreachable", null);
        }
    }

    @Override
    public StoreCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public byte[] get(String key) {
        read();
        return delegate.get(key);
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        read();
        return delegate.getAll(keys);
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        write();
        delegate.set(key, value, ttlMillis);
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        write();
        delegate.setAll(entries, ttlMillis);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        lock();
        return delegate.setIfAbsent(key, value, ttlMillis);
    }

    @Override
    public boolean delete(String key) {
        lock();
        return delegate.delete(key);
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        lock();
        return delegate.compareAndDelete(key, expected);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        lock();
        CountDownLatch gate = casGate;
        if (gate != null) {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            return delegate.compareAndSet(key, expected, value, ttlMillis);
        } finally {
            casDone.incrementAndGet();
        }
    }

    @Override
    public String describe() {
        return "memory test-server";
    }

    @Override
    public void close() {
        delegate.close();
    }
}
