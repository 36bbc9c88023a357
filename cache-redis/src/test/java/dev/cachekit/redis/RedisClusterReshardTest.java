package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Slots move between masters ({@code redis-cli --cluster reshard}) while 8 threads on 2 caches
 * write, read, flush tags and take locks.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedisClusterReshardTest {

    private static final int THREADS = 8;
    private static final int SLOTS_PER_MOVE = 2000;

    private static List<ServerProcess> masters;

    @BeforeAll
    static void startCluster() {
        masters = RedisServers.startCluster(); // its own: the test moves its slots
    }

    @AfterAll
    static void stopCluster() {
        masters.forEach(ServerProcess::close);
    }

    @Test
    @DisplayName(
            "while slots move: only StoreExceptions escape, no acknowledged write is lost, no flushed entry comes back, no lock has two holders")
    void trafficDuringResharding() throws Exception {
        String uri = "redis-cluster://"
                + masters.stream().map(ServerProcess::address).collect(Collectors.joining(","))
                + "?timeout=5s&prefix=reshard:";
        try (Cache first = Caches.open(uri);
                Cache second = Caches.open(uri)) {
            List<Cache> caches = List.of(first, second);
            Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
            Map<String, Integer> uncertain = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> flushedKeys = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            AtomicInteger retryable = new AtomicInteger();
            AtomicInteger lockSections = new AtomicInteger();
            AtomicInteger operations = new AtomicInteger();
            int[] counter = {0};
            AtomicBoolean stop = new AtomicBoolean();

            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Cache cache = caches.get(t % 2);
                threads.add(new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = "w:" + thread + ":" + (i % 200);
                        String tagged = "f:" + thread + ":" + i;
                        try {
                            try {
                                cache.put(key, i);
                                acknowledged.put(key, i);
                                uncertain.remove(key);
                            } catch (StoreException e) {
                                uncertain.put(key, i); // the write may or may not have landed
                                throw e;
                            }
                            cache.tags("tag:" + thread + ":" + i).put(tagged, i);
                            cache.tags("tag:" + thread + ":" + i).flush();
                            flushedKeys.add(tagged + "|" + i + "|" + thread);
                            assertThat(cache.tags("tag:" + thread + ":" + i)
                                            .get(tagged, Integer.class)
                                            .isMiss())
                                    .isTrue();
                            try (HeldLock lock = cache.lock("counter")
                                    .tryAcquire(Duration.ofSeconds(30))
                                    .orElseThrow()) {
                                int seen = counter[0];
                                Thread.yield();
                                counter[0] = seen + 1;
                                lockSections.incrementAndGet();
                            }
                            operations.incrementAndGet();
                        } catch (StoreException e) {
                            retryable.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);

            List<String> ids =
                    masters.stream().map(RedisClusterReshardTest::nodeId).toList();
            reshard(ids.get(0), ids.get(1));
            reshard(ids.get(1), ids.get(2));
            reshard(ids.get(2), ids.get(0));
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.MINUTES.toMillis(1));
            }

            assertThat(unexpected).isEmpty();
            assertThat(operations.get()).as("full rounds during the resharding").isGreaterThan(THREADS);
            assertThat(counter[0]).as("increments under the lock").isEqualTo(lockSections.get());
            for (Map.Entry<String, Integer> write : acknowledged.entrySet()) {
                Integer read = first.get(write.getKey(), Integer.class).value();
                Integer maybe = uncertain.get(write.getKey());
                assertThat(read).as(write.getKey()).isIn(write.getValue(), maybe);
            }
            for (String entry : flushedKeys) {
                String[] parts = entry.split("\\|");
                assertThat(first.tags("tag:" + parts[2] + ":" + parts[1])
                                .get(parts[0], Integer.class)
                                .isMiss())
                        .as("flushed " + parts[0])
                        .isTrue();
            }
            System.out.printf(
                    "resharding: %d full rounds, %d StoreExceptions, %d lock sections, %d slots moved 3 times%n",
                    operations.get(), retryable.get(), lockSections.get(), SLOTS_PER_MOVE);
        }
    }

    private static String nodeId(ServerProcess master) {
        try (Jedis jedis = new Jedis("127.0.0.1", master.port())) {
            return jedis.clusterMyId();
        }
    }

    private static void reshard(String from, String to) {
        List<String> command = List.of(
                ServerProcess.requireBinary("redis-cli", "redis-tools").toString(),
                "--cluster",
                "reshard",
                masters.get(0).address(),
                "--cluster-from",
                from,
                "--cluster-to",
                to,
                "--cluster-slots",
                String.valueOf(SLOTS_PER_MOVE),
                "--cluster-yes");
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
