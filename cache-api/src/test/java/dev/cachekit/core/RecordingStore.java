package dev.cachekit.core;

import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A memory store that records every call made to it (the operation, its keys and its TTL), so a
 * test counts round trips and reads the TTLs the store was given.
 */
class RecordingStore implements Store {

    enum Op {
        GET,
        GET_ALL,
        SET,
        SET_ALL,
        SET_IF_ABSENT,
        DELETE,
        DELETE_ALL,
        COMPARE_AND_DELETE,
        COMPARE_AND_SET,
        INCREMENT
    }

    /** One call: its keys in the order given, and its TTL ({@code -1} for a call without one). */
    record Call(Op op, List<String> keys, long ttlMillis) {}

    private final MemoryStore delegate;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    RecordingStore() {
        this(new MemoryStore());
    }

    RecordingStore(MemorySpace space, StoreCapabilities capabilities) {
        this(new MemoryStore(space, capabilities));
    }

    RecordingStore(MemoryStore delegate) {
        this.delegate = delegate;
    }

    MemoryStore delegate() {
        return delegate;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(Op op) {
        return calls.stream().filter(call -> call.op() == op).toList();
    }

    long count(Op op) {
        return calls(op).size();
    }

    /** The TTL of every write of entries ({@code set}, and {@code setAll} once per key), in order. */
    List<Long> writtenTtls() {
        List<Long> ttls = new ArrayList<>();
        for (Call call : calls) {
            if (call.op() == Op.SET || call.op() == Op.SET_ALL) {
                call.keys().forEach(key -> ttls.add(call.ttlMillis()));
            }
        }
        return ttls;
    }

    void reset() {
        calls.clear();
    }

    private void record(Op op, List<String> keys, long ttlMillis) {
        calls.add(new Call(op, List.copyOf(keys), ttlMillis));
    }

    @Override
    public StoreCapabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public byte[] get(String key) {
        record(Op.GET, List.of(key), -1);
        return delegate.get(key);
    }

    @Override
    public List<byte[]> getAll(List<String> keys) {
        record(Op.GET_ALL, keys, -1);
        return delegate.getAll(keys);
    }

    @Override
    public void set(String key, byte[] value, long ttlMillis) {
        record(Op.SET, List.of(key), ttlMillis);
        delegate.set(key, value, ttlMillis);
    }

    @Override
    public void setAll(Map<String, byte[]> entries, long ttlMillis) {
        record(Op.SET_ALL, new ArrayList<>(entries.keySet()), ttlMillis);
        delegate.setAll(entries, ttlMillis);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
        record(Op.SET_IF_ABSENT, List.of(key), ttlMillis);
        return delegate.setIfAbsent(key, value, ttlMillis);
    }

    @Override
    public boolean delete(String key) {
        record(Op.DELETE, List.of(key), -1);
        return delegate.delete(key);
    }

    @Override
    public int deleteAll(List<String> keys) {
        record(Op.DELETE_ALL, keys, -1);
        return delegate.deleteAll(keys);
    }

    @Override
    public boolean compareAndDelete(String key, byte[] expected) {
        record(Op.COMPARE_AND_DELETE, List.of(key), -1);
        return delegate.compareAndDelete(key, expected);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
        record(Op.COMPARE_AND_SET, List.of(key), ttlMillis);
        return delegate.compareAndSet(key, expected, value, ttlMillis);
    }

    @Override
    public long increment(String key) {
        record(Op.INCREMENT, List.of(key), -1);
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
