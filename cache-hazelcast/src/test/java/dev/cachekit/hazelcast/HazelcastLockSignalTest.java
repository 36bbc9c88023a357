package dev.cachekit.hazelcast;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.Store;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Lock waiters on one member are woken by what happens to the lock's entry through another. */
@DisplayName("The Hazelcast lock signal")
class HazelcastLockSignalTest {

    private static final byte[] TOKEN = "owner".getBytes(US_ASCII);

    private static TestCluster cluster;
    private HazelcastStore holder;
    private HazelcastLockSignal signal;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void open() {
        cluster.map().clear();
        holder = store(cluster.member(1));
        HazelcastStore waiterStore = store(cluster.member(0));
        signal = new HazelcastLockSignal(waiterStore.map(), waiterStore.describe());
    }

    @AfterEach
    void close() {
        signal.close();
    }

    private static HazelcastStore store(HazelcastInstance member) {
        return new HazelcastStore(member, HazelcastBackends.DEFAULT_MAP, EmbeddedMember.describe(member));
    }

    @Test
    @DisplayName("a release through the other member wakes the waiter of that lock only")
    void releaseWakesWaiterOfThatKey() throws InterruptedException {
        holder.setIfAbsent("lock:a", TOKEN, 30_000);
        holder.setIfAbsent("lock:b", TOKEN, 30_000);
        CountDownLatch releasedA = new CountDownLatch(1);
        AtomicInteger wokenB = new AtomicInteger();
        try (LockSignal.Subscription a = signal.subscribe("lock:a", releasedA::countDown);
                LockSignal.Subscription b = signal.subscribe("lock:b", wokenB::incrementAndGet)) {

            assertThat(holder.compareAndDelete("lock:a", TOKEN)).isTrue();

            assertThat(releasedA.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(wokenB).hasValue(0);
        }
    }

    @Test
    @DisplayName("the end of a lease wakes the waiter, without anyone releasing")
    void expiryWakesWaiter() throws InterruptedException {
        holder.setIfAbsent("lock:lease", TOKEN, 1_000);
        CountDownLatch expired = new CountDownLatch(1);
        try (LockSignal.Subscription ignored = signal.subscribe("lock:lease", expired::countDown)) {

            assertThat(expired.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.get("lock:lease")).isNull();
        }
    }

    @Test
    @DisplayName("a closed subscription is not called")
    void closedSubscriptionIsQuiet() throws InterruptedException {
        holder.set("lock:c", TOKEN, Store.NO_EXPIRY);
        AtomicInteger woken = new AtomicInteger();
        CountDownLatch stillListening = new CountDownLatch(1);
        LockSignal.Subscription closed = signal.subscribe("lock:c", woken::incrementAndGet);
        try (LockSignal.Subscription open = signal.subscribe("lock:c", stillListening::countDown)) {
            closed.close();

            holder.delete("lock:c");

            assertThat(stillListening.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(woken).hasValue(0);
        }
    }

    @Test
    @DisplayName("publishing wakes this process's waiters at once")
    void publishWakesLocalWaiters() {
        AtomicInteger woken = new AtomicInteger();
        try (LockSignal.Subscription ignored = signal.subscribe("lock:d", woken::incrementAndGet)) {
            signal.publish("lock:d");
        }
        assertThat(woken).hasValue(1);
    }

    @Test
    @DisplayName("the listener is filtered by key: removals of other keys (another prefix's locks) never reach"
            + " this process")
    void otherKeysDoNotReachThisProcess() throws InterruptedException {
        String mine = KeyLayout.of("app1:").lock("job");
        holder.set(mine, TOKEN, Store.NO_EXPIRY);
        for (int i = 0; i < 50; i++) {
            holder.set(KeyLayout.of("app2:").lock("job" + i), TOKEN, Store.NO_EXPIRY);
        }
        CountDownLatch released = new CountDownLatch(1);
        try (LockSignal.Subscription ignored = signal.subscribe(mine, released::countDown)) {
            for (int i = 0; i < 50; i++) {
                holder.delete(KeyLayout.of("app2:").lock("job" + i));
            }
            holder.delete(mine);
            assertThat(released.await(30, TimeUnit.SECONDS)).isTrue();
            // Give any unfiltered event time to arrive: a filtered listener never gets one.
            Thread.sleep(500);
            assertThat(signal.eventsReceived()).isEqualTo(1);
        }
    }
}
