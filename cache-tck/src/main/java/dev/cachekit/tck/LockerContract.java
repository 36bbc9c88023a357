package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.spi.Backend;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.StoreCapabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Locker}: never two holders, across clients and under a fuzz of many
 * threads; release and renew only by the owner; leases that end when the holder vanishes and are
 * extended by renew; fencing tokens that strictly increase; waiters that get the lock soon after a
 * release, woken by a signal where the store declares one.
 */
public abstract class LockerContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected LockerContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    private static final Duration LONG_LEASE = Duration.ofMinutes(10);
    /** How long a waiter that should wake in milliseconds may take before the test calls it stuck. */
    private static final Duration WAKE_UP_BOUND = Duration.ofSeconds(5);

    private static LockLease forged(LockLease real) {
        return new LockLease(real.key(), "not-the-owner-" + real.ownerToken().length(), real.fencingToken());
    }

    @Nested
    @DisplayName("Exclusion")
    class Exclusion {

        @Test
        @DisplayName("a lock is held by one client at a time, is not re-entrant, and is free again after release")
        void oneHolderAtATime() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            String lock = key("lock:a");
            LockLease held = first.tryAcquire(lock, LONG_LEASE).orElseThrow();
            assertThat(second.tryAcquire(lock, LONG_LEASE)).isEmpty();
            assertThat(first.tryAcquire(lock, LONG_LEASE)).isEmpty();
            assertThat(second.tryAcquire(key("lock:other"), LONG_LEASE)).isPresent();
            assertThat(first.release(held)).isTrue();
            assertThat(second.tryAcquire(lock, LONG_LEASE)).isPresent();
        }

        @Test
        @DisplayName("release and renew by a non-owner are refused, and the lock stays held")
        void nonOwnerIsRefused() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            String lock = key("lock:a");
            LockLease held = first.tryAcquire(lock, LONG_LEASE).orElseThrow();
            assertThat(second.release(forged(held))).isFalse();
            assertThat(second.renew(forged(held), LONG_LEASE)).isFalse();
            assertThat(second.tryAcquire(lock, LONG_LEASE)).isEmpty();
            assertThat(first.release(held)).isTrue();
            assertThat(first.release(held))
                    .as("second release of the same lease")
                    .isFalse();
        }

        @Test
        @DisplayName("a renew by a non-owner does not extend the holder's lease")
        void nonOwnerRenewDoesNotExtend() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            StoreCapabilities caps = open().store().capabilities();
            Duration lease = step(caps).multipliedBy(2);
            LockLease held = first.tryAcquire(key("lock:a"), lease).orElseThrow();
            assertThat(second.renew(forged(held), LONG_LEASE)).isFalse();
            waitPastTtl(lease, caps);
            assertThat(second.tryAcquire(key("lock:a"), LONG_LEASE)).isPresent();
        }

        @Test
        @DisplayName("a holder whose lease ran out can neither release nor renew the next holder's lock")
        void expiredHolderCannotTouchTheNextOne() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            StoreCapabilities caps = open().store().capabilities();
            Duration lease = step(caps).multipliedBy(2);
            LockLease old = first.tryAcquire(key("lock:a"), lease).orElseThrow();
            waitPastTtl(lease, caps);
            LockLease next = second.tryAcquire(key("lock:a"), LONG_LEASE).orElseThrow();
            assertThat(first.release(old)).isFalse();
            assertThat(first.renew(old, LONG_LEASE)).isFalse();
            assertThat(first.tryAcquire(key("lock:a"), LONG_LEASE)).isEmpty();
            assertThat(second.release(next)).isTrue();
        }

        @Test
        @DisplayName("fuzz: 16 threads on two clients each take the lock 200 times to increment a non-atomic counter,"
                + " which ends at exactly 3200")
        void fuzz() throws Exception {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            String lock = key("lock:fuzz");
            int threads = 16;
            int rounds = 200;
            int[] counter = {0};
            AtomicInteger holders = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger notAcquired = new AtomicInteger();
            AtomicInteger tokenRegressions = new AtomicInteger();
            AtomicLong lastToken = new AtomicLong(Long.MIN_VALUE);
            runConcurrently(threads, t -> () -> {
                Locker locker = t % 2 == 0 ? first : second;
                for (int i = 0; i < rounds; i++) {
                    Optional<LockLease> lease = locker.acquire(lock, LONG_LEASE, PATIENCE);
                    if (lease.isEmpty()) {
                        notAcquired.incrementAndGet();
                        continue;
                    }
                    try {
                        if (holders.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        long token = lease.get().fencingToken();
                        if (token <= lastToken.get()) {
                            tokenRegressions.incrementAndGet();
                        }
                        lastToken.set(token);
                        int read = counter[0];
                        Thread.yield();
                        counter[0] = read + 1;
                        holders.decrementAndGet();
                    } finally {
                        locker.release(lease.get());
                    }
                }
                return null;
            });
            assertThat(notAcquired.get()).as("acquisitions that timed out").isZero();
            assertThat(overlaps.get())
                    .as("times a holder found another holder inside")
                    .isZero();
            assertThat(tokenRegressions.get())
                    .as("fencing tokens not above the previous holder's")
                    .isZero();
            synchronized (counter) {
                assertThat(counter[0]).isEqualTo(threads * rounds);
            }
        }
    }

    @Nested
    @DisplayName("Leases")
    class Leases {

        @Test
        @DisplayName("a lock whose holder vanished without releasing frees itself when its lease ends")
        void leaseExpiresWhenTheHolderVanishes() {
            Backend vanishing = track(backendFixture().open());
            Locker second = openSecond().locker();
            StoreCapabilities caps = vanishing.store().capabilities();
            Duration lease = step(caps).multipliedBy(2);
            vanishing.locker().tryAcquire(key("lock:a"), lease).orElseThrow();
            vanishing.close();
            assertThat(second.tryAcquire(key("lock:a"), LONG_LEASE)).isEmpty();
            waitPastTtl(lease, caps);
            assertThat(second.tryAcquire(key("lock:a"), LONG_LEASE)).isPresent();
        }

        @Test
        @DisplayName("renew extends the lease past its first end")
        void renewExtends() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            StoreCapabilities caps = open().store().capabilities();
            Duration lease = step(caps).multipliedBy(2);
            LockLease held = first.tryAcquire(key("lock:a"), lease).orElseThrow();
            assertThat(first.renew(held, LONG_LEASE)).isTrue();
            waitPastTtl(lease, caps);
            assertThat(second.tryAcquire(key("lock:a"), LONG_LEASE)).isEmpty();
            assertThat(first.renew(held, LONG_LEASE)).isTrue();
            assertThat(first.release(held)).isTrue();
        }
    }

    @Nested
    @DisplayName("Fencing tokens")
    class FencingTokens {

        @Test
        @DisplayName("fencing tokens strictly increase over 20 acquisitions alternating between the clients")
        void tokensIncrease() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            List<Long> tokens = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Locker locker = i % 2 == 0 ? first : second;
                LockLease lease = locker.tryAcquire(key("lock:a"), LONG_LEASE).orElseThrow();
                tokens.add(lease.fencingToken());
                assertThat(locker.release(lease)).isTrue();
            }
            assertThat(tokens).isSorted().doesNotHaveDuplicates();
        }

        @Test
        @DisplayName("the next holder after an expired lease gets a larger fencing token")
        void tokensIncreaseAfterExpiry() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            StoreCapabilities caps = open().store().capabilities();
            Duration lease = step(caps).multipliedBy(2);
            long old = first.tryAcquire(key("lock:a"), lease).orElseThrow().fencingToken();
            waitPastTtl(lease, caps);
            long next =
                    second.tryAcquire(key("lock:a"), LONG_LEASE).orElseThrow().fencingToken();
            assertThat(next).isGreaterThan(old);
        }
    }

    @Nested
    @DisplayName("Waiting")
    class Waiting {

        @Test
        @DisplayName("a wait-acquire on the other client returns the lock soon after the holder releases it")
        void waitAcquireReturnsAfterRelease() throws Exception {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            LockLease held = first.tryAcquire(key("lock:a"), LONG_LEASE).orElseThrow();
            CompletableFuture<Optional<LockLease>> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return second.acquire(key("lock:a"), LONG_LEASE, PATIENCE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            });
            sleep(Duration.ofMillis(300));
            assertThat(waiter).as("waiter while the lock is held").isNotDone();
            assertThat(first.release(held)).isTrue();
            Optional<LockLease> acquired = waiter.get(WAKE_UP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(acquired).isPresent();
            assertThat(first.tryAcquire(key("lock:a"), LONG_LEASE)).isEmpty();
        }

        @Test
        @DisplayName("a wait-acquire gives up with nothing after its timeout while the lock stays held")
        void waitAcquireTimesOut() throws Exception {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            LockLease held = first.tryAcquire(key("lock:a"), LONG_LEASE).orElseThrow();
            assertThat(second.acquire(key("lock:a"), LONG_LEASE, Duration.ofMillis(300)))
                    .isEmpty();
            assertThat(first.release(held)).isTrue();
        }

        @Test
        @DisplayName("a store that declares change signals comes with a locker that signals releases")
        void signallingStoreHasSignallingLocker() {
            Backend backend = open();
            assumeCapability(
                    backend.store().capabilities().signalsChanges(),
                    "the store declares no change signals; waiters poll with backoff");
            assertThat(backend.locker().signalsRelease()).isTrue();
            assertThat(openSecond().locker().signalsRelease()).isTrue();
        }

        @Test
        @DisplayName("a waiter on the other client is woken by the release signal, long before its wait ends")
        void waiterIsWokenBySignal() throws Exception {
            Locker first = open().locker();
            Backend secondBackend = openSecond();
            Locker second = secondBackend.locker();
            assumeCapability(second.signalsRelease(), "the locker does not signal releases; waiters poll with backoff");
            LockLease held = first.tryAcquire(key("lock:a"), LONG_LEASE).orElseThrow();
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                try {
                    second.awaitRelease(key("lock:a"), Duration.ofMinutes(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sleep(Duration.ofMillis(300));
            assertThat(waiter).as("waiter while the lock is held").isNotDone();
            assertThat(first.release(held)).isTrue();
            waiter.get(WAKE_UP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Test
        @DisplayName("a signalled wait on a lock that is already free returns at once (it looks after subscribing)")
        void awaitOnAFreeLockReturns() throws Exception {
            Locker locker = open().locker();
            assumeCapability(locker.signalsRelease(), "the locker does not signal releases; waiters poll with backoff");
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                try {
                    locker.awaitRelease(key("lock:free"), Duration.ofMinutes(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            waiter.get(WAKE_UP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
