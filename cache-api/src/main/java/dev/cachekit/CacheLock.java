package dev.cachekit;

import java.time.Duration;
import java.util.Optional;

/**
 * A named distributed lock, for direct use: every process that asks for the same name on the same
 * store contends for the same lock.
 *
 * <pre>{@code
 * Optional<HeldLock> held = cache.lock("job:nightly").withLease(Duration.ofMinutes(5)).tryAcquire();
 * if (held.isPresent()) {
 *     try (HeldLock lock = held.get()) {
 *         runJob(lock.fencingToken());
 *     }
 * }
 * }</pre>
 *
 * <p>Leases and timeouts are checked when given: a lease is positive and at most {@link
 * dev.cachekit.spi.LockWaiters#MAX_LEASE} (365 days); a timeout is positive and at most 365 days, or
 * {@link Cache#FOREVER} to wait without bound.
 *
 * <p>Locks held through a cache are renewed (with a watchdog) on a thread of the cache's own, never
 * the one that runs touches. Closing the cache stops the watchdogs and releases every lock still
 * held through it.
 *
 * <p>Instances are immutable and thread-safe; the {@code with...} methods return new instances.
 */
public interface CacheLock {

    /** The lease used when none is set: 30 seconds. */
    Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    /**
     * The lock's name.
     *
     * @return the name
     */
    String name();

    /**
     * The same lock with another lease: how long it stays held if its holder neither renews nor
     * releases it (the holder died).
     *
     * @param lease a positive duration, at most 365 days
     * @return the lock with that lease
     * @throws IllegalArgumentException if the lease is not positive or longer than 365 days
     */
    CacheLock withLease(Duration lease);

    /**
     * The same lock with or without a watchdog, which renews a held lock every third of its lease
     * until it is released. Off by default.
     *
     * @param enabled whether to renew automatically
     * @return the lock with that setting
     */
    CacheLock withWatchdog(boolean enabled);

    /**
     * The same lock with a callback that runs once when a held lock is lost: a renewal found it
     * gone or held by another owner, or its lease ran out by this process's clock (see {@link
     * HeldLock}). It runs on the cache's renewal thread, or on the caller of {@link
     * HeldLock#renew()} or {@link HeldLock#isHeld()} that noticed first. Keep it quick; an exception
     * it throws is logged and ignored.
     *
     * @param callback what to run when the lock is lost
     * @return the lock with that callback
     */
    CacheLock onLost(Runnable callback);

    /**
     * Tries once to acquire the lock.
     *
     * <p>If the store fails (unreachable, or a client timeout while the server stalls), throws a
     * {@link StoreException} at once. The attempt may still be applied by the server later; the
     * lock's token is then deleted (owner-checked) in the background as soon as the store answers,
     * so the lock is not left held for a lease by an acquisition nobody knows of.
     *
     * @return the held lock, or empty if another holder has it
     * @throws StoreException if the store failed
     */
    Optional<HeldLock> tryAcquire();

    /**
     * Acquires the lock, waiting up to {@code timeout} for its holder to release it.
     *
     * <p>If the store fails while this waits (unreachable, or a client timeout while the server
     * stalls), this throws a {@link StoreException} at once; it does not retry until the deadline.
     * An attempt whose outcome is so unknown is cleaned up in the background as {@link #tryAcquire()}
     * says, so a caller that retries (or any other process) gets the lock soon after the store
     * answers again, not after a lease.
     *
     * @param timeout the longest time to wait: positive, at most 365 days, or {@link Cache#FOREVER}
     * @return the held lock, or empty if it was not acquired in time
     * @throws IllegalArgumentException if the timeout is not positive, or longer than 365 days but
     *     not {@link Cache#FOREVER}
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws StoreException if the store failed while this waited
     */
    Optional<HeldLock> tryAcquire(Duration timeout) throws InterruptedException;
}
