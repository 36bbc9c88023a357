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
     * The same lock with a callback that runs once, on the renewal thread or the caller of {@link
     * HeldLock#renew()}, when a renewal finds a held lock gone or held by another owner. Keep it
     * quick; an exception it throws is logged and ignored.
     *
     * @param callback what to run when the lock is lost
     * @return the lock with that callback
     */
    CacheLock onLost(Runnable callback);

    /**
     * Tries once to acquire the lock.
     *
     * @return the held lock, or empty if another holder has it
     */
    Optional<HeldLock> tryAcquire();

    /**
     * Acquires the lock, waiting up to {@code timeout} for its holder to release it.
     *
     * @param timeout the longest time to wait: positive, at most 365 days, or {@link Cache#FOREVER}
     * @return the held lock, or empty if it was not acquired in time
     * @throws IllegalArgumentException if the timeout is not positive, or longer than 365 days but
     *     not {@link Cache#FOREVER}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    Optional<HeldLock> tryAcquire(Duration timeout) throws InterruptedException;
}
