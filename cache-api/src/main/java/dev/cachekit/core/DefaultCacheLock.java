package dev.cachekit.core;

import dev.cachekit.Cache;
import dev.cachekit.CacheLock;
import dev.cachekit.HeldLock;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.LockWaiters;
import dev.cachekit.spi.Locker;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link CacheLock} over the cache's {@link Locker}. */
final class DefaultCacheLock implements CacheLock {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultCacheLock.class);

    private final String name;
    private final String key;
    private final String fenceKey;
    private final Duration lease;
    private final boolean watchdog;
    private final Runnable onLost;
    private final Locker locker;
    private final LockRenewals renewals;

    /**
     * @param fenceKey the fencing counter's key, or {@code null} for a lock without fencing tokens
     */
    DefaultCacheLock(String name, String key, String fenceKey, Locker locker, LockRenewals renewals) {
        this(name, key, fenceKey, DEFAULT_LEASE, false, null, locker, renewals);
    }

    private DefaultCacheLock(
            String name,
            String key,
            String fenceKey,
            Duration lease,
            boolean watchdog,
            Runnable onLost,
            Locker locker,
            LockRenewals renewals) {
        this.name = name;
        this.key = key;
        this.fenceKey = fenceKey;
        this.lease = lease;
        this.watchdog = watchdog;
        this.onLost = onLost;
        this.locker = locker;
        this.renewals = renewals;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CacheLock withLease(Duration lease) {
        LockWaiters.leaseMillis(lease, "lease");
        return new DefaultCacheLock(name, key, fenceKey, lease, watchdog, onLost, locker, renewals);
    }

    @Override
    public CacheLock withWatchdog(boolean enabled) {
        return new DefaultCacheLock(name, key, fenceKey, lease, enabled, onLost, locker, renewals);
    }

    @Override
    public CacheLock onLost(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        return new DefaultCacheLock(name, key, fenceKey, lease, watchdog, callback, locker, renewals);
    }

    @Override
    public Optional<HeldLock> tryAcquire() {
        renewals.checkOpen();
        Optional<LockLease> acquired =
                fenceKey == null ? locker.tryAcquire(key, lease) : locker.tryAcquireFenced(key, fenceKey, lease);
        return acquired.map(this::held);
    }

    @Override
    public Optional<HeldLock> tryAcquire(Duration timeout) throws InterruptedException {
        Duration wait = checkTimeout(timeout);
        renewals.checkOpen();
        Optional<LockLease> acquired =
                fenceKey == null ? locker.acquire(key, lease, wait) : locker.acquireFenced(key, fenceKey, lease, wait);
        return acquired.map(this::held);
    }

    /** A positive timeout up to {@link LockWaiters#MAX_BOUNDED_WAIT}, or {@link Cache#FOREVER}. */
    static Duration checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (timeout.equals(Cache.FOREVER)) {
            return timeout;
        }
        if (timeout.compareTo(LockWaiters.MAX_BOUNDED_WAIT) > 0) {
            throw new IllegalArgumentException("timeout " + timeout + " is longer than the largest accepted, "
                    + LockWaiters.MAX_BOUNDED_WAIT + " (365 days); use Cache.FOREVER to wait without bound");
        }
        return timeout;
    }

    /**
     * How much sooner than its lease, by its own clock, a holder treats the lock as lost: 1 % of
     * the lease plus 2 ms, for the store's clock running faster than this process's (the drift
     * allowance Redlock uses).
     */
    static Duration driftMargin(Duration lease) {
        return lease.dividedBy(100).plusMillis(2);
    }

    private HeldLock held(LockLease acquired) {
        Held held = new Held(acquired);
        try {
            renewals.hold(held);
            held.watchClock();
            if (watchdog) {
                held.dog = renewals.watch(locker, acquired, lease, held::lost, held::confirmed);
            }
        } catch (RuntimeException e) {
            // The cache is closing: hand the lock back rather than leave it to its lease.
            held.release();
            throw e;
        }
        return held;
    }

    @Override
    public String toString() {
        return "CacheLock[" + name + ", lease " + lease + (watchdog ? ", watchdog" : "") + "]";
    }

    private enum State {
        HELD,
        RELEASED,
        LOST
    }

    private final class Held implements HeldLock {
        private final LockLease acquired;
        private final AtomicReference<State> state = new AtomicReference<>(State.HELD);
        private final long trustedNanos = lease.toNanos() - driftMargin(lease).toNanos();
        private volatile LeaseWatchdog dog;
        /** {@link System#nanoTime()} when the lease ends by this process's clock, less the margin. */
        private volatile long leaseEnds;

        private volatile ScheduledFuture<?> clock;

        Held(LockLease acquired) {
            this.acquired = acquired;
            this.leaseEnds = acquired.sentNanos() + trustedNanos;
        }

        /** A renewal sent at {@code sentNanos} was confirmed by the store. */
        void confirmed(long sentNanos) {
            long ends = sentNanos + trustedNanos;
            synchronized (this) {
                if (ends - leaseEnds > 0) {
                    leaseEnds = ends;
                }
            }
        }

        /** Marks the lock lost once its lease has run out by this process's clock; else looks again then. */
        void watchClock() {
            if (state.get() != State.HELD) {
                return;
            }
            long left = leaseEnds - System.nanoTime();
            if (left <= 0) {
                expired();
                return;
            }
            clock = renewals.schedule(this::watchClock, left);
            if (state.get() != State.HELD) {
                stopClock();
            }
        }

        private boolean leaseOver() {
            return System.nanoTime() - leaseEnds >= 0;
        }

        /**
         * The lease ran out by this process's clock with no renewal confirmed in time: the lock is
         * lost, whether or not the store can be reached to ask. A renewal sent before may still
         * reach the store late, so the token is deleted (owner-checked) in the background.
         */
        private void expired() {
            if (!state.compareAndSet(State.HELD, State.LOST)) {
                return;
            }
            stopWatching();
            LOG.warn("lock {} was lost: its lease ran out by this process's clock without a confirmed renewal", name);
            locker.abandon(acquired, lease);
            tellLost();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long fencingToken() {
            return acquired.fencingToken();
        }

        @Override
        public boolean isHeld() {
            if (state.get() == State.HELD && leaseOver()) {
                expired();
            }
            return state.get() == State.HELD;
        }

        @Override
        public boolean renew() {
            if (!isHeld()) {
                return false;
            }
            long sent = System.nanoTime();
            if (locker.renew(acquired, lease)) {
                confirmed(sent);
                // Marked lost by its clock meanwhile: the token is being deleted, so not held.
                return state.get() == State.HELD;
            }
            lost();
            return false;
        }

        /** A renewal found the lock gone or held by another owner. */
        void lost() {
            if (!state.compareAndSet(State.HELD, State.LOST)) {
                return;
            }
            stopWatching();
            tellLost();
        }

        private void tellLost() {
            if (onLost != null) {
                try {
                    onLost.run();
                } catch (RuntimeException e) {
                    LOG.warn("the lost-lock callback of {} threw; ignored", name, e);
                }
            }
        }

        @Override
        public boolean release() {
            if (!state.compareAndSet(State.HELD, State.RELEASED)) {
                return false;
            }
            stopWatching();
            return locker.release(acquired);
        }

        private void stopWatching() {
            LeaseWatchdog running = dog;
            if (running != null) {
                running.stop();
            }
            stopClock();
            renewals.forget(this);
        }

        private void stopClock() {
            ScheduledFuture<?> scheduled = clock;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        @Override
        public void close() {
            release();
        }

        @Override
        public String toString() {
            return "HeldLock[" + name + ", fencing token " + acquired.fencingToken() + ", "
                    + state.get().name().toLowerCase(Locale.ROOT) + "]";
        }
    }
}
