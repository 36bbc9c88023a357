package dev.cachekit.tck;

import dev.cachekit.StoreException;
import dev.cachekit.spi.Store;
import java.util.List;
import java.util.Map;

/**
 * The memory backend's stand-in for a server that can die: while it is stopped, every call of a
 * store it guards throws a {@link StoreException} naming it, as the client of a dead server does.
 * The entries stay in the space; nothing is written while it is down.
 */
final class SimulatedServer implements ServerControl {

    private final String address;
    private volatile boolean down;

    SimulatedServer(String address) {
        this.address = address;
    }

    /** {@code store} behind this server: its calls fail while the server is stopped. */
    Store guard(Store store) {
        return new Guarded(store);
    }

    @Override
    public List<String> addresses() {
        return List.of(address);
    }

    @Override
    public void stop() {
        down = true;
    }

    @Override
    public void start() {
        down = false;
    }

    private void check(String operation) {
        if (down) {
            throw new StoreException(operation + " failed: " + address + " is unreachable (simulated outage)", null);
        }
    }

    private final class Guarded extends ForwardingStore {
        Guarded(Store delegate) {
            super(delegate);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            check("multi-get");
            return delegate.getAll(keys);
        }

        @Override
        public void set(String key, byte[] value, long ttlMillis) {
            check("set");
            delegate.set(key, value, ttlMillis);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            check("multi-set");
            delegate.setAll(entries, ttlMillis);
        }

        @Override
        public boolean setIfAbsent(String key, byte[] value, long ttlMillis) {
            check("set-if-absent");
            return delegate.setIfAbsent(key, value, ttlMillis);
        }

        @Override
        public boolean delete(String key) {
            check("delete");
            return delegate.delete(key);
        }

        @Override
        public boolean compareAndDelete(String key, byte[] expected) {
            check("compare-and-delete");
            return delegate.compareAndDelete(key, expected);
        }

        @Override
        public boolean compareAndSet(String key, byte[] expected, byte[] value, long ttlMillis) {
            check("compare-and-set");
            return delegate.compareAndSet(key, expected, value, ttlMillis);
        }

        @Override
        public long increment(String key) {
            check("increment");
            return delegate.increment(key);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
