package dev.cachekit.hazelcast;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.spi.LockCommands;
import dev.cachekit.spi.LockSignal;
import java.util.Objects;

/**
 * Hazelcast locks over the cache's map: acquire is {@code putIfAbsent} with the lease as TTL;
 * release and renew compare the owner token on the key's partition owner; the fencing token is a
 * {@link FenceProcessor} run on the counter's partition owner, which reads that member's clock.
 */
final class HazelcastLockCommands implements LockCommands {

    private final HazelcastStore store;
    private final LockSignal signal;

    HazelcastLockCommands(HazelcastStore store, LockSignal signal) {
        this.store = Objects.requireNonNull(store, "store");
        this.signal = Objects.requireNonNull(signal, "signal");
    }

    @Override
    public boolean acquire(String key, byte[] owner, long leaseMillis) {
        return store.setIfAbsent(key, owner, leaseMillis);
    }

    @Override
    public long acquireFenced(String key, String fenceKey, byte[] owner, long leaseMillis) {
        if (!store.setIfAbsent(key, owner, leaseMillis)) {
            return 0;
        }
        try {
            Long token = store.nextFence(fenceKey);
            if (token == null) {
                throw new CorruptEntryException(
                        fenceKey,
                        "holds a fencing counter that is not a non-negative decimal number; delete the key to reset it");
            }
            return token;
        } catch (RuntimeException e) {
            // Without a fencing token the lock must not be handed out; give it back.
            try {
                release(key, owner);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public boolean release(String key, byte[] owner) {
        boolean released = store.compareAndDelete(key, owner);
        if (released) {
            signal.publish(key);
        }
        return released;
    }

    @Override
    public boolean renew(String key, byte[] owner, long leaseMillis) {
        return store.compareAndSet(key, owner, owner, leaseMillis);
    }

    @Override
    public boolean isFree(String key) {
        return store.get(key) == null;
    }
}
