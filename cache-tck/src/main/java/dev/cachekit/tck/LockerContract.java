package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of a {@link Locker}: never two holders, across clients and under a fuzz of many
 * threads; release and renew only by the owner; leases that end when the holder vanishes and are
 * extended by renew; fencing tokens that strictly increase; waiters that get the lock soon after a
 * release, woken by a signal where the store declares one, and never before the lock key is gone.
 * Fencing tokens never go backwards, even when the counter is deleted or every key with a TTL
 * expires at once; a load leaves no key behind once its entry expired. Every test that waits has a
 * timeout, so a locker that ignores a wait bound fails rather than hangs the kit.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
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

    /** The maxWait and timeout of the bounded-wait tests. */
    private static final Duration SHORT_WAIT = Duration.ofMillis(500);

    /**
     * How long a wait of {@link #SHORT_WAIT} may take before the test calls it unbounded: eight times
     * as long, room for a busy machine, yet shorter than a wait ten times too long.
     */
    private static final Duration WAIT_BOUND = Duration.ofSeconds(4);

    /** Runs {@code wait} on a thread of its own and fails unless it returns within {@link #WAIT_BOUND}. */
    private static <T> T withinBound(String what, Callable<T> wait) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(daemon());
        try {
            Future<T> result = pool.submit(wait);
            try {
                return result.get(WAIT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(
                        what + " had not returned after " + WAIT_BOUND.toMillis() + " ms: the wait ignores its bound");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ThreadFactory daemon() {
        return runnable -> {
            Thread thread = new Thread(runnable, "tck-waiter");
            thread.setDaemon(true);
            return thread;
        };
    }

    private String fence(String name) {
        return KeyLayout.of(prefix()).fence(name);
    }

    private static LockLease forged(LockLease real) {
        return new LockLease(real.key(), "not-the-owner-" + real.ownerToken().length(), real.fencingToken());
    }

    @Nested
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
        @DisplayName("the same client's next lease of a lock is its own: a lease of that client that was released,"
                + " or whose key went away as at the end of its lease, can neither release nor renew it (owner tokens"
                + " are per acquisition, not per client or thread)")
        void sameClientsNextLeaseIsNotTheOldOnes() {
            Locker locker = open().locker();
            Locker second = openSecond().locker();
            String lock = key("lock:a");
            LockLease released = locker.tryAcquire(lock, LONG_LEASE).orElseThrow();
            assertThat(locker.release(released)).isTrue();
            LockLease lapsed =
                    locker.tryAcquireFenced(lock, fence("a"), LONG_LEASE).orElseThrow();
            backendFixture().rawDelete(lock); // as the lease's end would
            LockLease current = locker.tryAcquire(lock, LONG_LEASE).orElseThrow();
            for (LockLease old : List.of(released, lapsed)) {
                assertThat(locker.renew(old, LONG_LEASE))
                        .as("renew, by an older lease of the same client, of the lock it holds again")
                        .isFalse();
                assertThat(locker.release(old))
                        .as("release, by an older lease of the same client, of the lock it holds again")
                        .isFalse();
            }
            assertThat(second.tryAcquire(lock, LONG_LEASE))
                    .as("the other client's try while the current lease holds the lock")
                    .isEmpty();
            assertThat(locker.release(current)).isTrue();
            LockLease fenced =
                    locker.tryAcquireFenced(lock, fence("a"), LONG_LEASE).orElseThrow();
            assertThat(locker.release(lapsed))
                    .as("release by the lapsed fenced lease")
                    .isFalse();
            assertThat(locker.release(fenced)).isTrue();
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
                    Optional<LockLease> lease = locker.acquireFenced(lock, fence("fuzz"), LONG_LEASE, PATIENCE);
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
    class FencingTokens {

        @Test
        @DisplayName("fencing tokens strictly increase over 20 acquisitions alternating between the clients")
        void tokensIncrease() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            List<Long> tokens = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Locker locker = i % 2 == 0 ? first : second;
                LockLease lease = locker.tryAcquireFenced(key("lock:a"), fence("a"), LONG_LEASE)
                        .orElseThrow();
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
            long old = first.tryAcquireFenced(key("lock:a"), fence("a"), lease)
                    .orElseThrow()
                    .fencingToken();
            waitPastTtl(lease, caps);
            long next = second.tryAcquireFenced(key("lock:a"), fence("a"), LONG_LEASE)
                    .orElseThrow()
                    .fencingToken();
            assertThat(next).isGreaterThan(old);
        }
    }

    @Nested
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
        @Timeout(value = 30, unit = TimeUnit.SECONDS)
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
        @Timeout(value = 60, unit = TimeUnit.SECONDS)
        @DisplayName("awaitRelease with a maxWait of 500 ms returns within 4 s while the lock stays held, the holder"
                + " on either client")
        void awaitReleaseReturnsByItsMaxWaitWhileTheLockIsHeld() throws Exception {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            String lock = key("lock:a");
            LockLease held = first.tryAcquire(lock, LONG_LEASE).orElseThrow();
            for (Locker waiter : List.of(second, first)) {
                withinBound("awaitRelease(maxWait " + SHORT_WAIT.toMillis() + " ms) on a held lock", () -> {
                    waiter.awaitRelease(lock, SHORT_WAIT);
                    return null;
                });
            }
            assertThat(second.tryAcquire(lock, LONG_LEASE))
                    .as("the lock after the waits")
                    .isEmpty();
            assertThat(first.release(held)).isTrue();
        }

        @Test
        @Timeout(value = 60, unit = TimeUnit.SECONDS)
        @DisplayName("acquire and acquireFenced with a timeout of 500 ms give up with nothing within 4 s while the"
                + " lock stays held")
        void acquireGivesUpByItsTimeoutWhileTheLockIsHeld() throws Exception {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            String lock = key("lock:a");
            LockLease held = first.tryAcquire(lock, LONG_LEASE).orElseThrow();
            assertThat(withinBound(
                            "acquire(timeout " + SHORT_WAIT.toMillis() + " ms) of a held lock",
                            () -> second.acquire(lock, LONG_LEASE, SHORT_WAIT)))
                    .isEmpty();
            assertThat(withinBound(
                            "acquireFenced(timeout " + SHORT_WAIT.toMillis() + " ms) of a held lock",
                            () -> second.acquireFenced(lock, fence("a"), LONG_LEASE, SHORT_WAIT)))
                    .isEmpty();
            assertThat(first.release(held)).isTrue();
        }

        @Test
        @DisplayName("a release signal reaches the waiters of its key only: a release under another prefix does not"
                + " wake a waiter, its own release does")
        void signalWakesOnlyTheWaitersOfItsKey() throws Exception {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            assumeCapability(second.signalsRelease(), "the locker does not signal releases; waiters poll with backoff");
            String mine = key("lock:mine");
            // Another prefix that still starts as the kit's do ("tck"), which an ACL user may be limited to.
            String elsewhere = "tck-elsewhere-" + prefix().substring(3) + "lock:theirs";
            LockLease held = first.tryAcquire(mine, LONG_LEASE).orElseThrow();
            ExecutorService pool = Executors.newSingleThreadExecutor(daemon());
            try {
                Future<?> waiter = pool.submit(() -> {
                    second.awaitRelease(mine, Duration.ofMinutes(5));
                    return null;
                });
                sleep(Duration.ofMillis(300));
                for (int i = 0; i < 3; i++) {
                    LockLease other = first.tryAcquire(elsewhere, LONG_LEASE).orElseThrow();
                    assertThat(first.release(other)).isTrue();
                }
                sleep(Duration.ofMillis(300));
                assertThat(waiter.isDone())
                        .as("the waiter of %s after three releases of %s", mine, elsewhere)
                        .isFalse();
                assertThat(first.release(held)).isTrue();
                waiter.get(WAKE_UP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                pool.shutdownNow();
            }
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

    @Nested
    class FencingTokensWhenTheStoreLosesKeys {

        @Test
        @DisplayName("tokens keep growing when the counter is deleted between acquisitions")
        void counterDeleted() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            List<Long> tokens = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Locker locker = i % 2 == 0 ? first : second;
                LockLease lease = locker.tryAcquireFenced(key("lock:a"), fence("a"), LONG_LEASE)
                        .orElseThrow();
                tokens.add(lease.fencingToken());
                assertThat(locker.release(lease)).isTrue();
                if (i % 3 == 2) {
                    backendFixture().rawDelete(fence("a"));
                }
            }
            assertThat(tokens).isSorted().doesNotHaveDuplicates();
            assertThat(tokens).allMatch(token -> token > 0);
        }

        @Test
        @DisplayName("the counter has no TTL: after every key with a TTL expired at once, it is still there"
                + " and the next token is larger")
        void everyTtlKeyExpired() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            LockLease held = first.tryAcquireFenced(key("lock:a"), fence("a"), LONG_LEASE)
                    .orElseThrow();
            try {
                backendFixture().rawExpireKeysWithTtl();
            } catch (UnsupportedOperationException e) {
                assumeCapability(false, "the fixture cannot expire keys with a TTL (" + e.getMessage() + ")");
            }
            assertThat(backendFixture().rawGet(key("lock:a")))
                    .as("the lock key (it has a TTL)")
                    .isNull();
            assertThat(backendFixture().rawGet(fence("a")))
                    .as("the fencing counter after every key with a TTL expired")
                    .isNotNull();
            LockLease next = second.tryAcquireFenced(key("lock:a"), fence("a"), LONG_LEASE)
                    .orElseThrow();
            assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
            assertThat(first.renew(held, LONG_LEASE)).isFalse();
            assertThat(first.release(held)).isFalse();
            assertThat(second.release(next)).isTrue();
        }

        @Test
        @DisplayName("a holder whose lock key was deleted cannot renew or release it, and the next holder's token"
                + " is larger")
        void lockKeyDeletedUnderTheHolder() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            LockLease held = first.tryAcquireFenced(key("lock:a"), fence("a"), LONG_LEASE)
                    .orElseThrow();
            backendFixture().rawDelete(key("lock:a"));
            assertThat(first.renew(held, LONG_LEASE))
                    .as("renew of a lock whose key is gone")
                    .isFalse();
            assertThat(backendFixture().rawGet(key("lock:a")))
                    .as("the lock key after a refused renew")
                    .isNull();
            LockLease next = second.tryAcquireFenced(key("lock:a"), fence("a"), LONG_LEASE)
                    .orElseThrow();
            assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
            assertThat(first.release(held)).isFalse();
            assertThat(first.tryAcquire(key("lock:a"), LONG_LEASE)).isEmpty();
            assertThat(second.release(next)).isTrue();
        }

        @Test
        @DisplayName("a renew after the lease ran out is refused and does not take the free lock back")
        void renewAfterLapse() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            StoreCapabilities caps = open().store().capabilities();
            Duration lease = step(caps).multipliedBy(2);
            LockLease held = first.tryAcquire(key("lock:a"), lease).orElseThrow();
            waitPastTtl(lease, caps);
            assertThat(first.renew(held, LONG_LEASE)).isFalse();
            assertThat(backendFixture().rawGet(key("lock:a")))
                    .as("the lock key after a renew of a lapsed lease")
                    .isNull();
            assertThat(second.tryAcquire(key("lock:a"), LONG_LEASE)).isPresent();
        }

        @Test
        @DisplayName("an unfenced acquisition writes no counter, and leaves no key once released")
        void unfencedLeavesNothing() {
            Locker locker = open().locker();
            LockLease lease = locker.tryAcquire(key("lock:a"), LONG_LEASE).orElseThrow();
            assertThat(lease.fencingToken()).isEqualTo(LockLease.UNFENCED);
            assertThat(locker.release(lease)).isTrue();
            assertThat(backendFixture().rawGet(key("lock:a"))).isNull();
            assertThat(backendFixture().rawGet(fence("lock:a"))).isNull();
            assertThat(backendFixture().rawGet(key("lock:a") + ":fence")).isNull();
        }
    }

    @Nested
    class Races {

        @Test
        @DisplayName("a release racing the next holder (its lease ran out between two of the releaser's store"
                + " calls) never frees the next holder's lock")
        void releaseRace() {
            Backend opened = track(backendFixture().open());
            Locker second = openSecond().locker();
            String lock = key("lock:a");
            AtomicReference<LockLease> next = new AtomicReference<>();
            InterleavingStore store = new InterleavingStore(opened.store(), lock, () -> {
                // The holder's lease ends here, and another client takes the lock.
                backendFixture().rawDelete(lock);
                next.set(second.tryAcquire(lock, LONG_LEASE).orElseThrow());
            });
            Backend racing = backendFixture().lockerOverStore(opened, store);
            assumeCapability(racing != null, "the fixture cannot route its locker's store calls through a wrapper");
            track(racing);
            Locker first = racing.locker();
            LockLease held = first.tryAcquire(lock, LONG_LEASE).orElseThrow();
            store.arm();
            boolean released = first.release(held);
            if (next.get() == null) {
                // The release was one atomic call: nothing could act in between.
                assertThat(released).isTrue();
                return;
            }
            assertThat(openSecond().locker().tryAcquire(lock, LONG_LEASE))
                    .as("a third client's try while the next holder holds the lock")
                    .isEmpty();
            assertThat(second.release(next.get())).isTrue();
        }

        @Test
        @DisplayName("a release signal is never delivered before the lock key is gone")
        void signalAfterTheKeyIsGone() throws Exception {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            assumeCapability(second.signalsRelease(), "the locker does not signal releases; waiters poll with backoff");
            String lock = key("lock:a");
            int rounds = 10;
            List<String> early = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                LockLease held = first.tryAcquire(lock, LONG_LEASE).orElseThrow();
                CountDownLatch listening = new CountDownLatch(1);
                CompletableFuture<byte[]> seenOnWake = CompletableFuture.supplyAsync(() -> {
                    try {
                        listening.countDown();
                        second.awaitRelease(lock, Duration.ofMinutes(5));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return backendFixture().rawGet(lock);
                });
                listening.await();
                sleep(Duration.ofMillis(100));
                assertThat(first.release(held)).isTrue();
                byte[] seen = seenOnWake.get(WAKE_UP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                if (seen != null) {
                    early.add("round " + i);
                }
            }
            assertThat(early)
                    .as("rounds whose waiter woke while the lock key was still there")
                    .isEmpty();
        }

        @Test
        @DisplayName("a release signal is sent only after the delete of the lock key returned: with the locker's"
                + " store calls on the lock key held back, no waiter wakes while the key is there")
        void signalIsSentOnlyAfterTheDeleteReturned() throws Exception {
            Backend opened = track(backendFixture().open());
            Locker second = openSecond().locker();
            assumeCapability(second.signalsRelease(), "the locker does not signal releases; waiters poll with backoff");
            String lock = key("lock:a");
            CountDownLatch woke = new CountDownLatch(1);
            HoldingStore store = new HoldingStore(opened.store(), lock, woke);
            Backend racing = backendFixture().lockerOverStore(opened, store);
            assumeCapability(racing != null, "the fixture cannot route its locker's store calls through a wrapper");
            track(racing);
            LockLease held = racing.locker().tryAcquire(lock, LONG_LEASE).orElseThrow();
            ExecutorService pool = Executors.newSingleThreadExecutor(daemon());
            try {
                CountDownLatch listening = new CountDownLatch(1);
                Future<byte[]> seenOnWake = pool.submit(() -> {
                    listening.countDown();
                    try {
                        second.awaitRelease(lock, Duration.ofMinutes(5));
                        return backendFixture().rawGet(lock);
                    } finally {
                        woke.countDown();
                    }
                });
                listening.await();
                sleep(Duration.ofMillis(200));
                store.arm();
                assertThat(racing.locker().release(held)).isTrue();
                assertThat(seenOnWake.get(WAKE_UP_BOUND.toMillis(), TimeUnit.MILLISECONDS))
                        .as("the lock key as the woken waiter read it (the release's store calls were held back"
                                + " until the waiter woke or a second passed)")
                        .isNull();
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("a release that lands between the waiter's look at the lock and its subscription still wakes it"
                + " (the waiter looks after subscribing)")
        void releaseBetweenTheWaitersLookAndItsSubscriptionWakesIt() throws Exception {
            Backend opened = track(backendFixture().open());
            Locker holder = openSecond().locker();
            String lock = key("lock:a");
            LockLease held = holder.tryAcquire(lock, LONG_LEASE).orElseThrow();
            AtomicReference<Boolean> releasedBetween = new AtomicReference<>();
            AfterFirstReadStore looking =
                    new AfterFirstReadStore(opened.store(), lock, () -> releasedBetween.set(holder.release(held)));
            Backend waiting = backendFixture().lockerOverStore(opened, looking);
            assumeCapability(waiting != null, "the fixture cannot route its locker's store calls through a wrapper");
            track(waiting);
            Locker waiter = waiting.locker();
            assumeCapability(waiter.signalsRelease(), "the locker does not signal releases; waiters poll with backoff");
            looking.arm();
            ExecutorService pool = Executors.newSingleThreadExecutor(daemon());
            try {
                Future<?> wait = pool.submit(() -> {
                    waiter.awaitRelease(lock, Duration.ofMinutes(5));
                    return null;
                });
                wait.get(WAKE_UP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(releasedBetween.get())
                        .as("the holder's release, made right after the waiter's first look at the lock")
                        .isTrue();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class LoadLocks {

        @Test
        @DisplayName("1,000 loads with a short TTL leave no entry, load lock or counter behind once expired")
        void loadsLeaveNothing() {
            Backend backend = open();
            StoreCapabilities caps = backend.store().capabilities();
            Duration ttl = step(caps);
            KeyLayout layout = KeyLayout.of(prefix());
            int keys = 1_000;
            try (Cache cache = cacheBuilder(backend).build()) {
                for (int i = 0; i < keys; i++) {
                    String k = "k" + i;
                    cache.getOrLoad(k, String.class, ttl, () -> "v");
                }
            }
            waitPastTtl(ttl, caps);
            List<String> left = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                String k = "k" + i;
                for (String raw : List.of(
                        layout.entry(k),
                        layout.loadLock(k),
                        layout.fence(k),
                        layout.loadLock(k) + ":fence",
                        layout.lock(k),
                        layout.fence("load:" + k))) {
                    if (backendFixture().rawGet(raw) != null) {
                        left.add(raw);
                    }
                }
            }
            assertThat(left).as("keys left after every entry expired").isEmpty();
        }
    }

    /**
     * A store whose calls on one key pass through, except that once armed, the action runs (once)
     * before the second call on that key: another client acting between two calls of the locker.
     */
    static class InterleavingStore implements Store {
        final Store delegate;
        final String key;
        private final Runnable between;
        private final AtomicInteger calls = new AtomicInteger(-1);

        InterleavingStore(Store delegate, String key, Runnable between) {
            this.delegate = delegate;
            this.key = key;
            this.between = between;
        }

        void arm() {
            calls.set(0);
        }

        void touching(String touched) {
            if (key.equals(touched) && calls.get() >= 0 && calls.incrementAndGet() == 2) {
                between.run();
            }
        }

        @Override
        public byte[] get(String k) {
            touching(k);
            return delegate.get(k);
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            keys.forEach(this::touching);
            return delegate.getAll(keys);
        }

        @Override
        public void set(String k, byte[] value, long ttlMillis) {
            touching(k);
            delegate.set(k, value, ttlMillis);
        }

        @Override
        public void setAll(Map<String, byte[]> entries, long ttlMillis) {
            entries.keySet().forEach(this::touching);
            delegate.setAll(entries, ttlMillis);
        }

        @Override
        public boolean setIfAbsent(String k, byte[] value, long ttlMillis) {
            touching(k);
            return delegate.setIfAbsent(k, value, ttlMillis);
        }

        @Override
        public boolean delete(String k) {
            touching(k);
            return delegate.delete(k);
        }

        @Override
        public boolean compareAndDelete(String k, byte[] expected) {
            touching(k);
            return delegate.compareAndDelete(k, expected);
        }

        @Override
        public boolean compareAndSet(String k, byte[] expected, byte[] value, long ttlMillis) {
            touching(k);
            return delegate.compareAndSet(k, expected, value, ttlMillis);
        }

        @Override
        public long increment(String k) {
            touching(k);
            return delegate.increment(k);
        }

        @Override
        public StoreCapabilities capabilities() {
            return delegate.capabilities();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /**
     * A store whose calls on one key pass through, except that once armed, each is held back until
     * {@code released} opens or a second passes: a step of the locker made slow, so a signal sent
     * before it reaches its waiter while the step has not happened yet.
     */
    static final class HoldingStore extends InterleavingStore {
        HoldingStore(Store delegate, String key, CountDownLatch released) {
            super(delegate, key, () -> {});
            this.released = released;
        }

        private final CountDownLatch released;
        private volatile boolean armed;

        @Override
        void arm() {
            armed = true;
        }

        @Override
        void touching(String touched) {
            if (armed && key.equals(touched)) {
                try {
                    released.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * A store whose calls on one key pass through, except that once armed, the action runs (once)
     * right after the first read of that key returned: another client acting between the locker's
     * look at the lock and its next step.
     */
    static final class AfterFirstReadStore extends InterleavingStore {
        private final Runnable after;
        private final java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();

        AfterFirstReadStore(Store delegate, String key, Runnable after) {
            super(delegate, key, () -> {});
            this.after = after;
        }

        @Override
        void arm() {
            armed.set(true);
        }

        @Override
        public byte[] get(String k) {
            byte[] value = delegate.get(k);
            afterRead(List.of(k));
            return value;
        }

        @Override
        public List<byte[]> getAll(List<String> keys) {
            List<byte[]> values = delegate.getAll(keys);
            afterRead(keys);
            return values;
        }

        private void afterRead(List<String> keys) {
            if (keys.contains(key) && armed.compareAndSet(true, false)) {
                after.run();
            }
        }
    }
}
