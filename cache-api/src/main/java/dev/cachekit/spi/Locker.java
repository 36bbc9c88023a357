package dev.cachekit.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Distributed per-key locks with a lease, an owner token and, when asked for, a fencing token.
 *
 * <p>A lock whose holder dies frees itself when its lease ends. Release and renew are refused
 * unless the caller presents the owner token the lock is held with, so a holder whose lease ran
 * out can never release or renew the lock of the next holder, nor re-acquire a lapsed lease by
 * renewing it.
 *
 * <p>Two kinds of acquisition: {@link #tryAcquire(String, Duration)} writes the lock key only
 * (load locks: nothing is left behind once the lock is released or its lease ends), and {@link
 * #tryAcquireFenced} also advances a fencing counter kept at a key of its own, which never
 * expires and whose tokens never go backwards, even when the counter is evicted or the server
 * restarts empty (see {@link StoreLocker} for how, and the clock it assumes).
 *
 * <p>{@link StoreLocker} works over any {@link Store}; a backend with a wake-up channel passes a
 * {@link LockSignal} to it so waiters need not poll. Implementations are thread-safe.
 */
public interface Locker {

    /**
     * Tries once to acquire a lock, without a fencing token: only the lock key is written.
     *
     * @param key the lock's store key
     * @param lease how long the lock is held unless renewed or released
     * @return the lease (its fencing token {@link LockLease#UNFENCED}) if this call acquired the
     *     lock, empty if another holder has it
     */
    Optional<LockLease> tryAcquire(String key, Duration lease);

    /**
     * Tries once to acquire several locks without fencing tokens, each on its own (some may be
     * acquired and others not), in as few round trips as the store allows: a script or a pipeline
     * where the backend has one. The default tries them one by one, in the order given.
     *
     * @param keys the locks' store keys, distinct
     * @param lease how long each acquired lock is held unless renewed or released
     * @return one element per key, in the same order: the lease if acquired, empty if another
     *     holder has it
     */
    default java.util.List<Optional<LockLease>> tryAcquireAll(java.util.List<String> keys, Duration lease) {
        java.util.List<Optional<LockLease>> leases = new java.util.ArrayList<>(keys.size());
        for (String key : keys) {
            leases.add(tryAcquire(key, lease));
        }
        return leases;
    }

    /**
     * Tries once to acquire a lock and, if acquired, draws its fencing token from the counter at
     * {@code fenceKey}: a number above every token drawn from that counter before, even if the
     * counter was lost in between (evicted, deleted, the server restarted empty). The counter key
     * has no TTL.
     *
     * @param key the lock's store key
     * @param fenceKey the store key of the lock's fencing counter
     * @param lease how long the lock is held unless renewed or released
     * @return the lease if this call acquired the lock, empty if another holder has it
     */
    Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease);

    /**
     * Releases a lock if it is still held with {@code lease}'s owner token, and then wakes waiters:
     * a waiter is never woken before the lock key is gone.
     *
     * @param lease the lease returned by an acquisition
     * @return {@code true} if the lock was released by this call; {@code false} if it was no longer
     *     held by this owner (its lease ran out)
     */
    boolean release(LockLease lease);

    /**
     * Releases several locks, each as {@link #release} does, in as few round trips as the store
     * allows. The default releases them one by one, in order.
     *
     * @param leases leases returned by acquisitions, of distinct locks
     * @return one element per lease, in the same order: whether this call released that lock
     */
    default java.util.List<Boolean> releaseAll(java.util.List<LockLease> leases) {
        java.util.List<Boolean> released = new java.util.ArrayList<>(leases.size());
        for (LockLease lease : leases) {
            released.add(release(lease));
        }
        return released;
    }

    /**
     * Extends a held lock's lease if it is still held with {@code lease}'s owner token. A lease that
     * already ran out is not re-acquired, even if nobody holds the lock now.
     *
     * @param lease the lease returned by an acquisition
     * @param extension the new lease, counted from now
     * @return {@code true} if the lease was extended; {@code false} if the lock is gone or held by
     *     another owner (the caller has lost it)
     */
    boolean renew(LockLease lease, Duration extension);

    /**
     * Gives a lock up without waiting for the store: an owner-checked delete of {@code lease}'s
     * token, retried in the background while the store does not answer, until it succeeds or the
     * lease is over (the key has then expired on its own). For a holder that no longer trusts its
     * lease (it ran out by the holder's clock while a renewal may still reach the store late), and
     * for a release whose outcome is unknown. Never throws a store error.
     *
     * <p>The default releases on the calling thread once and logs nothing; {@link StoreLocker}
     * retries in the background.
     *
     * @param lease the lease returned by an acquisition
     * @param duration the lease's length, the longest the cleanup is worth retrying
     */
    default void abandon(LockLease lease, Duration duration) {
        try {
            release(lease);
        } catch (RuntimeException e) {
            // The lock frees itself when its lease ends.
        }
    }

    /**
     * Whether {@link #awaitRelease} is woken by a signal. When {@code false}, callers wait by
     * jittered backoff and {@code awaitRelease} simply sleeps.
     *
     * @return whether releases are signalled
     */
    boolean signalsRelease();

    /**
     * Waits until the lock may be free: a release was signalled, the lock is seen free, or {@code
     * maxWait} passed. Implementations that signal must check the lock after subscribing, so a
     * release between the caller's failed try and the subscription does not leave it asleep.
     *
     * @param key the lock's store key
     * @param maxWait the longest time to wait
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void awaitRelease(String key, Duration maxWait) throws InterruptedException;

    /**
     * Acquires a lock without a fencing token, waiting up to {@code timeout} for its holder to
     * release it.
     *
     * @param key the lock's store key
     * @param lease how long the lock is held unless renewed or released
     * @param timeout the longest time to wait; {@link dev.cachekit.Cache#FOREVER} waits without bound
     * @return the lease, or empty if the lock was not acquired within {@code timeout}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    default Optional<LockLease> acquire(String key, Duration lease, Duration timeout) throws InterruptedException {
        return LockWaiters.acquire(this, key, null, lease, timeout);
    }

    /**
     * Acquires a lock with a fencing token (as {@link #tryAcquireFenced}), waiting up to {@code
     * timeout} for its holder to release it.
     *
     * @param key the lock's store key
     * @param fenceKey the store key of the lock's fencing counter
     * @param lease how long the lock is held unless renewed or released
     * @param timeout the longest time to wait; {@link dev.cachekit.Cache#FOREVER} waits without bound
     * @return the lease, or empty if the lock was not acquired within {@code timeout}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    default Optional<LockLease> acquireFenced(String key, String fenceKey, Duration lease, Duration timeout)
            throws InterruptedException {
        return LockWaiters.acquire(this, key, fenceKey, lease, timeout);
    }
}
