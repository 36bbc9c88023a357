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

    private HeldLock held(LockLease acquired) {
        Held held = new Held(acquired);
        try {
            renewals.hold(held);
            if (watchdog) {
                held.dog = renewals.watch(locker, acquired, lease, held::lost);
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
        private volatile LeaseWatchdog dog;

        Held(LockLease acquired) {
            this.acquired = acquired;
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
            return state.get() == State.HELD;
        }

        @Override
        public boolean renew() {
            if (state.get() != State.HELD) {
                return false;
            }
            if (locker.renew(acquired, lease)) {
                return true;
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
            renewals.forget(this);
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
