package dev.cachekit.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template of every {@link LockSignal}: it owns the table of this process's waiters per lock
 * key, so a backend supplies only the two things that differ, how a release is sent ({@link
 * #publish}) and how one arrives (a call to {@link #deliver} from the backend's listener).
 *
 * <p>A backend that can scope its listening (a Redis channel per key prefix, a Hazelcast listener
 * per key) overrides {@link #firstWaiter} and {@link #lastWaiterLeft}, which run while the table
 * entry of that key is being created or dropped, so they never overlap for one key. {@code
 * firstWaiter} must return only once the backend listens: a waiter subscribes, then looks at the
 * lock, and relies on every release after that look reaching it.
 *
 * <p>Also home to the duration rules every locker shares: leases up to {@link #MAX_LEASE}, and
 * waits whose timeout is too long to count ({@code Cache.FOREVER}) waiting without bound.
 * Thread-safe.
 */
public abstract class LockWaiters implements LockSignal {

    /** The longest lease a lock accepts: 365 days. */
    public static final Duration MAX_LEASE = Duration.ofDays(365);

    /**
     * The longest bounded wait; a longer timeout (such as {@code Cache.FOREVER}) waits without
     * bound.
     */
    public static final Duration MAX_BOUNDED_WAIT = Duration.ofDays(365);

    private static final Logger LOG = LoggerFactory.getLogger(LockWaiters.class);

    private final ConcurrentHashMap<String, Set<Runnable>> waiters = new ConcurrentHashMap<>();

    /** Creates an empty waiter table. */
    protected LockWaiters() {}

    /**
     * A signal that reaches this process only: {@link #publish} delivers at once. For stores that
     * live in one process, and as the in-process hand-over of a locker without a signal.
     *
     * @return a new in-process signal
     */
    public static LockWaiters inProcess() {
        return new LockWaiters() {
            @Override
            public void publish(String key) {
                deliver(key);
            }
        };
    }

    /**
     * Sends the release of {@code key} to every process, this one included (or delivers to this
     * one directly). Called only after the lock key is gone.
     *
     * @param key the lock's store key
     */
    @Override
    public abstract void publish(String key);

    @Override
    public final Subscription subscribe(String key, Runnable onRelease) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(onRelease, "onRelease");
        waiters.compute(key, (k, set) -> {
            Set<Runnable> waiting = set;
            if (waiting == null) {
                firstWaiter(k);
                waiting = new CopyOnWriteArraySet<>();
            }
            waiting.add(onRelease);
            return waiting;
        });
        return () -> waiters.computeIfPresent(key, (k, set) -> {
            set.remove(onRelease);
            if (!set.isEmpty()) {
                return set;
            }
            try {
                lastWaiterLeft(k);
            } catch (RuntimeException e) {
                LOG.debug("dropping the release listener of {} failed", k, e);
            }
            return null;
        });
    }

    /**
     * Wakes this process's waiters of {@code key}; the backend's listener calls it when a release
     * arrives. Never throws.
     *
     * @param key the lock's store key
     */
    protected final void deliver(String key) {
        Set<Runnable> waiting = waiters.get(key);
        if (waiting == null) {
            return;
        }
        for (Runnable onRelease : waiting) {
            try {
                onRelease.run();
            } catch (RuntimeException e) {
                LOG.warn("a lock-release listener for {} threw", key, e);
            }
        }
    }

    /**
     * Whether any waiter of this process listens for {@code key}.
     *
     * @param key the lock's store key
     * @return whether the key has waiters
     */
    protected final boolean hasWaiters(String key) {
        return waiters.containsKey(key);
    }

    /**
     * Called before the first waiter of {@code key} is added; returns once releases of {@code key}
     * reach {@link #deliver}. The default does nothing (the backend always listens).
     *
     * @param key the lock's store key
     */
    protected void firstWaiter(String key) {}

    /**
     * Called after the last waiter of {@code key} left. The default does nothing.
     *
     * @param key the lock's store key
     */
    protected void lastWaiterLeft(String key) {}

    /** Stops listening. The default does nothing; idempotent. */
    @Override
    public void close() {}

    /**
     * Waits for a release of {@code key}: subscribes, then looks once whether the lock is already
     * free (a release between the caller's failed try and the subscription reached nobody), then
     * waits for a delivery or {@code maxWait}.
     *
     * @param key the lock's store key
     * @param maxWait the longest wait
     * @param isFree whether the lock is free now, asked once after subscribing
     * @throws InterruptedException if interrupted while waiting
     */
    public final void await(String key, Duration maxWait, BooleanSupplier isFree) throws InterruptedException {
        long nanos = Math.max(0, saturatedNanos(maxWait));
        CountDownLatch released = new CountDownLatch(1);
        try (Subscription ignored = subscribe(key, released::countDown)) {
            if (isFree.getAsBoolean()) {
                return;
            }
            released.await(nanos, TimeUnit.NANOSECONDS);
        }
    }

    // ---- duration rules shared by every locker --------------------------------------------------

    /**
     * Checks a lease and returns it in milliseconds.
     *
     * @param lease the lease
     * @param what the argument's name, for the message
     * @return the lease in milliseconds, at least 1
     * @throws IllegalArgumentException if the lease is not positive or longer than {@link
     *     #MAX_LEASE}
     */
    public static long leaseMillis(Duration lease, String what) {
        Objects.requireNonNull(lease, what);
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + lease);
        }
        if (lease.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException(
                    what + " " + lease + " is longer than the largest accepted, " + MAX_LEASE + " (365 days)");
        }
        return Math.max(1, lease.toMillis());
    }

    /**
     * The {@link System#nanoTime()} deadline of a wait starting now: {@link Long#MAX_VALUE} (no
     * deadline) for a timeout longer than {@link #MAX_BOUNDED_WAIT}.
     *
     * @param timeout a non-negative timeout
     * @return the deadline
     * @throws IllegalArgumentException if the timeout is negative
     */
    public static long deadline(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        if (timeout.compareTo(MAX_BOUNDED_WAIT) > 0) {
            return Long.MAX_VALUE;
        }
        return System.nanoTime() + timeout.toNanos();
    }

    /**
     * Nanoseconds left until {@code deadline}; {@link Long#MAX_VALUE} when it has none.
     *
     * @param deadline a value of {@link #deadline}
     * @return the nanoseconds left, possibly negative
     */
    public static long nanosLeft(long deadline) {
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
    }

    private static long saturatedNanos(Duration duration) {
        return duration.compareTo(MAX_BOUNDED_WAIT) > 0 ? Long.MAX_VALUE : duration.toNanos();
    }

    /**
     * The waiting loop of {@link Locker#acquire} for a locker without a line of its own: try, wait
     * for a release (or the backoff step when releases are not signalled), try again, until the
     * deadline.
     */
    static Optional<LockLease> acquire(Locker locker, String key, String fenceKey, Duration lease, Duration timeout)
            throws InterruptedException {
        long deadline = deadline(timeout);
        Backoff backoff = new Backoff();
        while (true) {
            Optional<LockLease> acquired =
                    fenceKey == null ? locker.tryAcquire(key, lease) : locker.tryAcquireFenced(key, fenceKey, lease);
            if (acquired.isPresent()) {
                return acquired;
            }
            long left = nanosLeft(deadline);
            if (left <= 0) {
                return Optional.empty();
            }
            Duration wait = locker.signalsRelease() ? Backoff.SIGNAL_SAFETY_WAIT : backoff.next();
            locker.awaitRelease(key, Duration.ofNanos(Math.min(left, wait.toNanos())));
        }
    }
}
