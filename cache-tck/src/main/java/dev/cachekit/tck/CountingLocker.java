package dev.cachekit.tck;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts every call to a {@link Locker}, for "no lock traffic on a hit". */
final class CountingLocker implements Locker {

    private final Locker delegate;
    private final AtomicInteger calls = new AtomicInteger();

    CountingLocker(Locker delegate) {
        this.delegate = delegate;
    }

    int calls() {
        return calls.get();
    }

    @Override
    public Optional<LockLease> tryAcquire(String key, Duration lease) {
        calls.incrementAndGet();
        return delegate.tryAcquire(key, lease);
    }

    @Override
    public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
        calls.incrementAndGet();
        return delegate.tryAcquireFenced(key, fenceKey, lease);
    }

    @Override
    public boolean release(LockLease lease) {
        calls.incrementAndGet();
        return delegate.release(lease);
    }

    @Override
    public void abandon(LockLease lease, Duration duration) {
        calls.incrementAndGet();
        delegate.abandon(lease, duration);
    }

    @Override
    public boolean renew(LockLease lease, Duration extension) {
        calls.incrementAndGet();
        return delegate.renew(lease, extension);
    }

    @Override
    public boolean signalsRelease() {
        return delegate.signalsRelease();
    }

    @Override
    public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
        calls.incrementAndGet();
        delegate.awaitRelease(key, maxWait);
    }
}
