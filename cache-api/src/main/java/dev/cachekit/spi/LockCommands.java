package dev.cachekit.spi;

/**
 * The store operations {@link StoreLocker} builds its locks from, for a backend that does them in
 * fewer round trips than the generic ones over {@link Store} (Redis: one script per acquire and per
 * release). Every operation is atomic on the store; owner tokens are compared byte for byte.
 */
public interface LockCommands {

    /**
     * Sets {@code key} to {@code owner} with a TTL of {@code leaseMillis} if the key is absent.
     *
     * @param key the lock key
     * @param owner the owner token
     * @param leaseMillis the lease in milliseconds, positive
     * @return whether the lock was acquired
     */
    boolean acquire(String key, byte[] owner, long leaseMillis);

    /**
     * As {@link #acquire} for several locks, each on its own (some may be acquired and others not),
     * in as few round trips as the store allows. The default acquires them one by one, in order.
     *
     * @param owners distinct lock keys and the owner token of each, in the order answered
     * @param leaseMillis the lease in milliseconds, positive
     * @return one element per lock, in the map's order: whether it was acquired
     */
    default java.util.List<Boolean> acquireAll(java.util.Map<String, byte[]> owners, long leaseMillis) {
        java.util.List<Boolean> acquired = new java.util.ArrayList<>(owners.size());
        for (java.util.Map.Entry<String, byte[]> owner : owners.entrySet()) {
            acquired.add(acquire(owner.getKey(), owner.getValue(), leaseMillis));
        }
        return acquired;
    }

    /**
     * As {@link #acquire}, and when acquired draws the next fencing token from the counter at
     * {@code fenceKey}: {@code max(counter + 1, clock)}, written back without a TTL, where {@code
     * clock} is a microsecond clock reading ({@link StoreLocker} documents whose).
     *
     * @param key the lock key
     * @param fenceKey the fencing counter's key
     * @param owner the owner token
     * @param leaseMillis the lease in milliseconds, positive
     * @return the fencing token (positive), or {@code 0} if the lock was not acquired
     */
    long acquireFenced(String key, String fenceKey, byte[] owner, long leaseMillis);

    /**
     * Deletes {@code key} if it holds {@code owner}, and then, only if it did, tells waiters in
     * every process: never before the key is gone.
     *
     * @param key the lock key
     * @param owner the owner token
     * @return whether this call released the lock
     */
    boolean release(String key, byte[] owner);

    /**
     * As {@link #release} for several locks, in as few round trips as the store allows. The default
     * releases them one by one, in order.
     *
     * @param owners distinct lock keys and the owner token each is held with, in the order answered
     * @return one element per lock, in the map's order: whether this call released it
     */
    default java.util.List<Boolean> releaseAll(java.util.Map<String, byte[]> owners) {
        java.util.List<Boolean> released = new java.util.ArrayList<>(owners.size());
        for (java.util.Map.Entry<String, byte[]> owner : owners.entrySet()) {
            released.add(release(owner.getKey(), owner.getValue()));
        }
        return released;
    }

    /**
     * Sets a new TTL on {@code key} if it holds {@code owner}; never creates the key.
     *
     * @param key the lock key
     * @param owner the owner token
     * @param leaseMillis the new lease in milliseconds, positive
     * @return whether the lease was extended
     */
    boolean renew(String key, byte[] owner, long leaseMillis);

    /**
     * Whether {@code key} is free now.
     *
     * @param key the lock key
     * @return {@code true} if nobody holds the lock
     */
    boolean isFree(String key);
}
