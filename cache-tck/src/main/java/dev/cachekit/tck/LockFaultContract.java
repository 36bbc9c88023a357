package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.CacheLock;
import dev.cachekit.HeldLock;
import dev.cachekit.LoadTimeoutPolicy;
import dev.cachekit.StoreException;
import dev.cachekit.spi.KeyLayout;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of a backend's locks when things go wrong around them: closing a cache gives up
 * the load locks of its loads in flight; a lock call whose outcome is unknown (a client timeout
 * while the server stalls, and the server applies the call later) leaves no lock behind once the
 * store answers again; and a holder knows its lease is over by its own clock, whether or not the
 * store can be reached. Leases here are long (10 minutes) where only a release can explain
 * another caller getting the lock, so nothing passes by waiting a lease out. The tests that stop or
 * stall the servers need {@link BackendFixture#server()} (and {@link ServerControl#suspend()});
 * without them they are skipped, saying so.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class LockFaultContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected LockFaultContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    /** Long enough that only a release, never an expiry, lets another caller in during a test. */
    private static final Duration LONG_LEASE = Duration.ofMinutes(10);

    /** How soon after the store answers again a fresh caller must get a lock: far below the lease. */
    private static final Duration SOON = Duration.ofSeconds(20);

    /** Short enough to elapse within a test; long enough that acquiring and stopping fit in it. */
    private static final Duration SHORT_LEASE = Duration.ofSeconds(3);

    private ServerControl control;
    private boolean down;
    private boolean stalled;

    /** Whatever the test did, the next one finds the servers up and running. */
    @AfterEach
    final void leaveTheServersUp() {
        if (stalled) {
            control.resume();
            stalled = false;
        }
        if (down) {
            control.start();
            down = false;
        }
    }

    /** The fixture's control of its servers; the test is skipped if it has none. */
    private ServerControl control() {
        if (control == null) {
            Optional<ServerControl> offered;
            try {
                offered = backendFixture().server();
            } catch (UnsupportedOperationException e) {
                offered = Optional.empty();
                assumeCapability(false, "the fixture cannot stop its servers now (" + e.getMessage() + ")");
            }
            assumeCapability(
                    offered.isPresent(),
                    "the fixture cannot stop and start its servers (BackendFixture.server() is empty)");
            control = offered.get();
        }
        return control;
    }

    private void stopServers() {
        ServerControl servers = control();
        down = true;
        servers.stop();
    }

    private void stallServers() {
        ServerControl servers = control();
        try {
            servers.suspend();
        } catch (UnsupportedOperationException e) {
            assumeCapability(false, e.getMessage());
        }
        stalled = true;
    }

    private void resumeServers() {
        control.resume();
        stalled = false;
    }

    /** Calls {@code condition} until true, a tenth of a second apart; fails after {@link #PATIENCE}. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " did not happen within " + PATIENCE.toSeconds() + " s");
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /**
     * A fresh caller on a new client tries for the lock {@code name} for {@link #SOON}; a store
     * error while the clients reconnect counts as "not yet". Fails unless it gets the lock.
     */
    private void freshCallerGetsTheLockSoon(String name) throws InterruptedException {
        CacheLock lock = cache(open()).lock(name).withLease(LONG_LEASE);
        long deadline = System.nanoTime() + SOON.toNanos();
        StoreException last = null;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(
                        "a fresh caller did not get lock " + name + " within " + SOON.toSeconds()
                                + " s of the servers answering again (its lease is " + LONG_LEASE.toMinutes()
                                + " min): something left it held"
                                + (last == null ? "" : "; the last store error: " + last.getMessage()),
                        last);
            }
            try {
                Optional<HeldLock> held = lock.tryAcquire(Duration.ofNanos(left));
                if (held.isPresent()) {
                    held.get().release();
                    return;
                }
            } catch (StoreException e) {
                last = e;
                sleep(Duration.ofMillis(100));
            }
        }
    }

    @Nested
    class ClosingACache {

        @Test
        @DisplayName("closing a cache while its loader runs releases the key's load lock: another client's cache"
                + " loads the key at once, and the closed cache's caller gets its loader's value, not written")
        void closeReleasesTheLoadLocksOfLoadsInFlight() throws Exception {
            KeyLayout layout = KeyLayout.of(prefix());
            Cache closing = track(cacheBuilder(open()).lockLease(LONG_LEASE).build());
            // Waits no longer than PATIENCE and then fails, far short of the lease: only a release lets it in.
            Cache other = track(cacheBuilder(openSecond())
                    .lockLease(LONG_LEASE)
                    .loadTimeout(PATIENCE)
                    .loadTimeoutPolicy(LoadTimeoutPolicy.FAIL)
                    .build());
            CountDownLatch loading = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<String> inFlight = pool.submit(() -> closing.getOrLoad("k", String.class, () -> {
                    loading.countDown();
                    finish.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                    return "from the closed cache";
                }));
                assertThat(loading.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                        .as("the loader started")
                        .isTrue();
                assertThat(backendFixture().rawGet(layout.loadLock("k")))
                        .as("the load lock while the loader runs")
                        .isNotNull();
                closing.close();
                assertThat(backendFixture().rawGet(layout.loadLock("k")))
                        .as("the load lock once the cache is closed")
                        .isNull();
                AtomicInteger loads = new AtomicInteger();
                assertThat(other.getOrLoad("k", String.class, () -> "from the other cache " + loads.incrementAndGet()))
                        .isEqualTo("from the other cache 1");
                finish.countDown();
                assertThat(inFlight.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
                        .as("what the closed cache's caller got")
                        .isEqualTo("from the closed cache");
                assertThat(other.get("k", String.class).value())
                        .as("the entry after the closed cache's loader returned")
                        .isEqualTo("from the other cache 1");
                assertThat(loads).as("the other cache's loader calls").hasValue(1);
            } finally {
                finish.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class CallsWithAnUnknownOutcome {

        @Test
        @DisplayName("acquisitions that time out while the servers stall, and are applied when they resume, leave"
                + " no lock behind: a fresh caller gets it within 20 s though its lease is 10 minutes")
        void timedOutAcquisitionsLeaveNoLockBehind() throws Exception {
            List<CacheLock> waiters = List.of(
                    cache(open()).lock("job").withLease(LONG_LEASE),
                    cache(openSecond()).lock("job").withLease(LONG_LEASE));
            stallServers();
            // Two waiters per client, one trying once and one waiting: each call times out on its client.
            List<Object> outcomes = runConcurrently(4, i -> () -> {
                CacheLock lock = waiters.get(i % 2);
                try {
                    return i < 2 ? lock.tryAcquire() : lock.tryAcquire(PATIENCE);
                } catch (StoreException e) {
                    return "store error";
                }
            });
            assertThat(outcomes)
                    .as("what each waiter got while the servers stalled")
                    .containsOnly("store error");
            resumeServers();
            freshCallerGetsTheLockSoon("job");
        }

        @Test
        @DisplayName("a release that times out while the servers stall leaves no lock behind: a fresh caller gets"
                + " it within 20 s though its lease is 10 minutes")
        void aTimedOutReleaseLeavesNoLockBehind() throws Exception {
            HeldLock held =
                    cache(open()).lock("job").withLease(LONG_LEASE).tryAcquire().orElseThrow();
            stallServers();
            String outcome;
            try {
                outcome = "released " + held.release();
            } catch (StoreException e) {
                outcome = "store error";
            }
            assertThat(outcome).as("the release while the servers stalled").isEqualTo("store error");
            resumeServers();
            freshCallerGetsTheLockSoon("job");
        }
    }

    @Nested
    class TheHoldersOwnClock {

        @Test
        @DisplayName("without a watchdog, a lock whose servers are down is lost once its lease has elapsed by the"
                + " holder's clock: the lost callback runs once by itself, and isHeld() reads false")
        void withoutAWatchdogTheLeaseEndsByTheHoldersClock() {
            AtomicInteger lost = new AtomicInteger();
            HeldLock held = cache(open())
                    .lock("job")
                    .withLease(SHORT_LEASE)
                    .onLost(lost::incrementAndGet)
                    .tryAcquire()
                    .orElseThrow();
            stopServers();
            await("the lost callback", () -> lost.get() > 0);
            assertThat(held.isHeld()).as("isHeld() once the lease elapsed").isFalse();
            assertThat(held.renew()).as("renew() once the lease elapsed").isFalse();
            sleep(SHORT_LEASE);
            assertThat(lost).as("lost callback runs").hasValue(1);
        }

        @Test
        @DisplayName("with a watchdog whose renewals cannot reach the stalled servers, the lock is lost once its"
                + " lease has elapsed by the holder's clock: the lost callback runs once, and isHeld() reads false")
        void aWatchdogThatCannotRenewLosesTheLockByTheHoldersClock() {
            AtomicInteger lost = new AtomicInteger();
            HeldLock held = cache(open())
                    .lock("job")
                    .withLease(SHORT_LEASE)
                    .withWatchdog(true)
                    .onLost(lost::incrementAndGet)
                    .tryAcquire()
                    .orElseThrow();
            stallServers();
            await("the lost callback", () -> lost.get() > 0);
            assertThat(held.isHeld()).as("isHeld() once the lease elapsed").isFalse();
            sleep(SHORT_LEASE);
            assertThat(lost).as("lost callback runs").hasValue(1);
        }

        @Test
        @DisplayName("a watchdog whose renewals reach the store keeps the lock held past several leases")
        void aWatchdogThatRenewsKeepsTheLock() {
            AtomicInteger lost = new AtomicInteger();
            HeldLock held = cache(open())
                    .lock("job")
                    .withLease(SHORT_LEASE)
                    .withWatchdog(true)
                    .onLost(lost::incrementAndGet)
                    .tryAcquire()
                    .orElseThrow();
            sleep(SHORT_LEASE.multipliedBy(3));
            assertThat(held.isHeld())
                    .as("isHeld() after three leases of renewals")
                    .isTrue();
            assertThat(lost).as("lost callback runs").hasValue(0);
            assertThat(held.release()).as("the release").isTrue();
        }
    }
}
