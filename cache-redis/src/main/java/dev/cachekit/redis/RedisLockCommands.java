package dev.cachekit.redis;

import dev.cachekit.spi.LockCommands;
import java.util.Objects;

/**
 * Redis locks in one round trip each: acquire is {@code SET NX PX} (many at once: one script, or
 * one pipeline per cluster node; fenced: one script that also
 * advances the counter from the server's {@code TIME}; on a cluster, where the lock and its counter
 * sit in different slots, a second script on the counter's node), release is one script that
 * deletes the key and publishes the release on the key's channel, renew is one compare-and-set
 * script.
 */
final class RedisLockCommands implements LockCommands {

    private final RedisStore store;

    RedisLockCommands(RedisStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public boolean acquire(String key, byte[] owner, long leaseMillis) {
        return store.setIfAbsent(key, owner, leaseMillis);
    }

    /** Every lock's {@code SET NX PX} in one script (standalone) or one pipeline per node (cluster). */
    @Override
    public java.util.List<Boolean> acquireAll(java.util.Map<String, byte[]> owners, long leaseMillis) {
        return store.setIfAbsentAll(owners, leaseMillis);
    }

    @Override
    public long acquireFenced(String key, String fenceKey, byte[] owner, long leaseMillis) {
        return store.acquireFenced(key, fenceKey, owner, leaseMillis);
    }

    @Override
    public boolean release(String key, byte[] owner) {
        return store.releaseLock(key, owner, RedisLockSignal.channelOf(key));
    }

    /** Every lock's compare-and-delete and PUBLISH in one script on a standalone server. */
    @Override
    public java.util.List<Boolean> releaseAll(java.util.Map<String, byte[]> owners) {
        java.util.Map<String, String> channels = new java.util.HashMap<>();
        for (String key : owners.keySet()) {
            channels.put(key, RedisLockSignal.channelOf(key));
        }
        return store.releaseLocks(owners, channels);
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
