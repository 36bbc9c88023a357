package dev.cachekit.spi;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Locker} that works over any {@link Store}: acquire is {@link Store#setIfAbsent} of a
 * random owner token with the lease as TTL; release is {@link Store#compareAndDelete} on the token;
 * renew is {@link Store#compareAndSet} of the token onto itself with a new TTL; the fencing token
 * is {@link Store#increment} of a counter kept at {@code key + }{@value #FENCE_SUFFIX}.
 *
 * <p>With a {@link LockSignal}, a release wakes waiters in every process; without one, {@link
 * #awaitRelease} sleeps and callers back off.
 */
public final class StoreLocker implements Locker {

    /** Appended to a lock's key to make the key of its fencing counter. */
    public static final String FENCE_SUFFIX = ":fence";

    private final Store store;
    private final LockSignal signal;

    /**
     * Creates a locker whose waiters poll with backoff.
     *
     * @param store the store
     */
    public StoreLocker(Store store) {
        this(store, null);
    }

    /**
     * Creates a locker that wakes waiters through {@code signal}.
     *
     * @param store the store
     * @param signal the wake-up channel, or {@code null} to poll
     */
    public StoreLocker(Store store, LockSignal signal) {
        this.store = Objects.requireNonNull(store, "store");
        this.signal = signal;
    }

    @Override
    public Optional<LockLease> tryAcquire(String key, Duration lease) {
        long leaseMillis = leaseMillis(lease);
        String owner = UUID.randomUUID().toString();
        byte[] token = owner.getBytes(StandardCharsets.US_ASCII);
        if (!store.setIfAbsent(key, token, leaseMillis)) {
            return Optional.empty();
        }
        long fencingToken;
        try {
            fencingToken = store.increment(key + FENCE_SUFFIX);
        } catch (RuntimeException e) {
            // Without a fencing token the lock must not be handed out; give it back.
            store.compareAndDelete(key, token);
            throw e;
        }
        return Optional.of(new LockLease(key, owner, fencingToken));
    }

    @Override
    public boolean release(LockLease lease) {
        boolean released = store.compareAndDelete(lease.key(), token(lease));
        if (released && signal != null) {
            signal.publish(lease.key());
        }
        return released;
    }

    @Override
    public boolean renew(LockLease lease, Duration extension) {
        byte[] token = token(lease);
        return store.compareAndSet(lease.key(), token, token, leaseMillis(extension));
    }

    @Override
    public boolean signalsRelease() {
        return signal != null;
    }

    @Override
    public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
        long nanos = Math.max(0, maxWait.toNanos());
        if (signal == null) {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return;
        }
        CountDownLatch released = new CountDownLatch(1);
        try (LockSignal.Subscription ignored = signal.subscribe(key, released::countDown)) {
            // A release between the caller's failed try and the subscription sent its signal to
            // nobody: look once more now that we listen.
            if (store.get(key) == null) {
                return;
            }
            released.await(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static byte[] token(LockLease lease) {
        return lease.ownerToken().getBytes(StandardCharsets.US_ASCII);
    }

    private static long leaseMillis(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("a lock lease must be positive, was " + lease);
        }
        return Math.max(1, lease.toMillis());
    }
}
