package dev.cachekit.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Distributed per-key locks with a lease, an owner token and a fencing token.
 *
 * <p>A lock whose holder dies frees itself when its lease ends. Release and renew are refused
 * unless the caller presents the owner token the lock is held with, so a holder whose lease ran
 * out can never release the lock of the next holder.
 *
 * <p>{@link StoreLocker} works over any {@link Store}; a backend with a wake-up channel passes a
 * {@link LockSignal} to it so waiters need not poll.
 */
public interface Locker {

    /**
     * Tries once to acquire a lock.
     *
     * @param key the lock's store key
     * @param lease how long the lock is held unless renewed or released
     * @return the lease if this call acquired the lock, empty if another holder has it
     */
    Optional<LockLease> tryAcquire(String key, Duration lease);

    /**
     * Releases a lock if it is still held with {@code lease}'s owner token, and wakes waiters.
     *
     * @param lease the lease returned by {@link #tryAcquire}
     * @return {@code true} if the lock was released by this call; {@code false} if it was no longer
     *     held by this owner (its lease ran out)
     */
    boolean release(LockLease lease);

    /**
     * Extends a held lock's lease if it is still held with {@code lease}'s owner token.
     *
     * @param lease the lease returned by {@link #tryAcquire}
     * @param extension the new lease, counted from now
     * @return {@code true} if the lease was extended
     */
    boolean renew(LockLease lease, Duration extension);

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
     * Acquires a lock, waiting up to {@code timeout} for its holder to release it.
     *
     * @param key the lock's store key
     * @param lease how long the lock is held unless renewed or released
     * @param timeout the longest time to wait
     * @return the lease, or empty if the lock was not acquired within {@code timeout}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    default Optional<LockLease> acquire(String key, Duration lease, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Backoff backoff = new Backoff();
        while (true) {
            Optional<LockLease> acquired = tryAcquire(key, lease);
            if (acquired.isPresent()) {
                return acquired;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Duration wait = signalsRelease() ? Backoff.SIGNAL_SAFETY_WAIT : backoff.next();
            awaitRelease(key, Duration.ofNanos(Math.min(left, wait.toNanos())));
        }
    }
}
