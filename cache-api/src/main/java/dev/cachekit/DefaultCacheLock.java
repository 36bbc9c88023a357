package dev.cachekit;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link CacheLock} over the cache's {@link Locker}. */
final class DefaultCacheLock implements CacheLock {

    private final String name;
    private final String key;
    private final Duration lease;
    private final boolean watchdog;
    private final Locker locker;
    private final ScheduledExecutorService scheduler;

    DefaultCacheLock(
            String name,
            String key,
            Duration lease,
            boolean watchdog,
            Locker locker,
            ScheduledExecutorService scheduler) {
        this.name = name;
        this.key = key;
        this.lease = lease;
        this.watchdog = watchdog;
        this.locker = locker;
        this.scheduler = scheduler;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CacheLock withLease(Duration lease) {
        return new DefaultCacheLock(name, key, DefaultCache.checkPositive(lease, "lease"), watchdog, locker, scheduler);
    }

    @Override
    public CacheLock withWatchdog(boolean enabled) {
        return new DefaultCacheLock(name, key, lease, enabled, locker, scheduler);
    }

    @Override
    public Optional<HeldLock> tryAcquire() {
        return locker.tryAcquire(key, lease).map(this::held);
    }

    @Override
    public Optional<HeldLock> tryAcquire(Duration timeout) throws InterruptedException {
        DefaultCache.checkPositive(timeout, "timeout");
        return locker.acquire(key, lease, timeout).map(this::held);
    }

    private HeldLock held(LockLease acquired) {
        LeaseWatchdog dog;
        try {
            dog = watchdog ? LeaseWatchdog.start(scheduler, locker, acquired, lease) : null;
        } catch (RuntimeException e) {
            // The cache is closing: hand the lock back rather than leave it to its lease.
            locker.release(acquired);
            throw e;
        }
        return new Held(acquired, dog);
    }

    @Override
    public String toString() {
        return "CacheLock[" + name + ", lease " + lease + (watchdog ? ", watchdog" : "") + "]";
    }

    private final class Held implements HeldLock {
        private final LockLease acquired;
        private final LeaseWatchdog dog;
        private final AtomicBoolean released = new AtomicBoolean();

        Held(LockLease acquired, LeaseWatchdog dog) {
            this.acquired = acquired;
            this.dog = dog;
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
        public boolean renew() {
            return !released.get() && locker.renew(acquired, lease);
        }

        @Override
        public boolean release() {
            if (!released.compareAndSet(false, true)) {
                return false;
            }
            if (dog != null) {
                dog.stop();
            }
            return locker.release(acquired);
        }

        @Override
        public void close() {
            release();
        }

        @Override
        public String toString() {
            return "HeldLock[" + name + ", fencing token " + acquired.fencingToken() + "]";
        }
    }
}
