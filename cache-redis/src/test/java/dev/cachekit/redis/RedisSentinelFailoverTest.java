package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.KeyLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Killing the master of a sentinel group while two caches work on it: the same {@link Cache}
 * objects work again once the sentinels have promoted the replica, and locks keep their promises.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisSentinelFailoverTest {

    /**
     * How long after the master is killed the caches must work again: the sentinels need {@value
     * RedisSentinelGroup#DOWN_AFTER_MILLIS} ms to call it down, then an election and the
     * promotion; Jedis' sentinel listener then moves the pool. A generous deadline, not a speed
     * claim.
     */
    static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);

    private static final int THREADS = 8;
    private static final int ROUNDS = 40;
    private static final String PREFIX = "fo:";

    @Test
    @DisplayName(
            "loads, tagged reads, flushes and locks from 8 threads work again on the same caches after the master dies")
    void sameCachesWorkAfterFailover() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start();
                Cache first = Caches.open(group.uri() + "?timeout=1s&prefix=" + PREFIX);
                Cache second = Caches.open(group.uri() + "?timeout=1s&prefix=" + PREFIX)) {
            List<Cache> caches = List.of(first, second);
            workload(caches, "before");

            HostAndPort replica = new HostAndPort("127.0.0.1", group.replica().port());
            group.master().kill();
            long killed = System.nanoTime();
            for (Cache cache : caches) {
                awaitWorking(cache, killed);
            }
            assertThat(group.currentMaster()).isEqualTo(replica);
            System.out.printf(
                    "sentinel failover: both caches worked again %d ms after the master was killed%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));

            workload(caches, "after");
        }
    }

    @Test
    @DisplayName(
            "a lock held across a failover: the next fencing token is above every earlier one, and the holder learns of the loss at its next renewal")
    void lockAcrossFailover() throws Exception {
        try (RedisSentinelGroup group = RedisSentinelGroup.start();
                Cache holderCache = Caches.open(group.uri() + "?timeout=1s&prefix=" + PREFIX);
                Cache otherCache = Caches.open(group.uri() + "?timeout=1s&prefix=" + PREFIX)) {
            long highestBefore = 0;
            for (int i = 0; i < 50; i++) {
                try (HeldLock lock = holderCache.lock("job").tryAcquire().orElseThrow()) {
                    assertThat(lock.fencingToken()).isGreaterThan(highestBefore);
                    highestBefore = lock.fencingToken();
                }
            }
            AtomicInteger lost = new AtomicInteger();
            HeldLock held = holderCache
                    .lock("job")
                    .withLease(Duration.ofMinutes(2))
                    .onLost(lost::incrementAndGet)
                    .tryAcquire()
                    .orElseThrow();
            highestBefore = Math.max(highestBefore, held.fencingToken());

            group.master().kill();
            long killed = System.nanoTime();
            awaitWorking(otherCache, killed);
            awaitWorking(holderCache, killed);

            // Replication is asynchronous: the promoted replica may lack the last writes the old
            // master acknowledged. Make that certain here, the worst case: the lock key and the
            // fencing counter's last increments never arrived.
            KeyLayout layout = KeyLayout.of(PREFIX);
            HostAndPort master = group.currentMaster();
            try (Jedis jedis = new Jedis(master.getHost(), master.getPort())) {
                jedis.del(layout.lock("job").getBytes(StandardCharsets.UTF_8));
                jedis.set(layout.fence("job").getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8));
            }

            // The lock is free on the new master: another holder gets it, with a higher token.
            Optional<HeldLock> next = otherCache.lock("job").tryAcquire();
            assertThat(next).isPresent();
            assertThat(next.get().fencingToken()).isGreaterThan(highestBefore);

            // The old holder still believes it holds the lock until it renews; the renewal finds
            // another owner, marks the lock lost and runs the callback once.
            assertThat(held.isHeld()).isTrue();
            assertThat(held.renew()).isFalse();
            assertThat(held.isHeld()).isFalse();
            assertThat(lost).hasValue(1);
            assertThat(held.release()).isFalse();
            assertThat(next.get().release()).isTrue();
        }
    }

    /**
     * From 8 threads over the caches: {@code getOrLoad} of shared keys (one load per key across
     * both caches), a tagged put and read of each thread's own key, a flush of its tag, and a lock
     * around a non-atomic counter; the exact counts are asserted.
     */
    private static void workload(List<Cache> caches, String round) throws InterruptedException {
        AtomicInteger loads = new AtomicInteger();
        int[] counter = {0};
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Cache cache = caches.get(t % caches.size());
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    for (int r = 0; r < ROUNDS; r++) {
                        int n = r;
                        String loaded = cache.getOrLoad(round + ":load:" + r, String.class, () -> {
                            loads.incrementAndGet();
                            return "v" + n;
                        });
                        assertThat(loaded).isEqualTo("v" + r);

                        String own = round + ":own:" + thread;
                        cache.tags(round + ":tag:" + thread).put(own, r);
                        assertThat(cache.tags(round + ":tag:" + thread)
                                        .get(own, Integer.class)
                                        .value())
                                .isEqualTo(r);
                        cache.tags(round + ":tag:" + thread).flush();
                        assertThat(cache.tags(round + ":tag:" + thread)
                                        .get(own, Integer.class)
                                        .isMiss())
                                .isTrue();

                        try (HeldLock lock = cache.lock(round + ":counter")
                                .tryAcquire(Duration.ofSeconds(30))
                                .orElseThrow()) {
                            int seen = counter[0];
                            Thread.yield();
                            counter[0] = seen + 1;
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertThat(errors).as(round).isEmpty();
        assertThat(loads).as(round + ": one load per key across both caches").hasValue(ROUNDS);
        assertThat(counter[0]).as(round + ": increments under the lock").isEqualTo(THREADS * ROUNDS);
    }

    /**
     * Tries a write, a read and a lock until all succeed, within {@link #FAILOVER_BOUND} of the
     * kill; errors before then are the outage, reported as {@code StoreException}s.
     */
    private static void awaitWorking(Cache cache, long killedNanos) throws InterruptedException {
        long deadline = killedNanos + FAILOVER_BOUND.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                cache.put("probe", "ok");
                if ("ok".equals(cache.get("probe", String.class).value())) {
                    cache.lock("probe").tryAcquire().ifPresent(HeldLock::release);
                    return;
                }
            } catch (RuntimeException e) {
                assertThat(e).isInstanceOf(dev.cachekit.StoreException.class);
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                cache.describe() + " did not work again within " + FAILOVER_BOUND + " of the failover", last);
    }
}
