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
     * @param lease a positive duration
     * @return the lock with that lease
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
     * Tries once to acquire the lock.
     *
     * @return the held lock, or empty if another holder has it
     */
    Optional<HeldLock> tryAcquire();

    /**
     * Acquires the lock, waiting up to {@code timeout} for its holder to release it.
     *
     * @param timeout the longest time to wait
     * @return the held lock, or empty if it was not acquired in time
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    Optional<HeldLock> tryAcquire(Duration timeout) throws InterruptedException;
}
