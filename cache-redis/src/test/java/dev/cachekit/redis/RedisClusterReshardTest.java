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
        try (Cache first = Caches.open(uri(masters));
                Cache second = Caches.open(uri(masters))) {
            Traffic traffic = new Traffic(List.of(first, second));
            List<String> ids =
                    masters.stream().map(RedisClusterReshardTest::nodeId).toList();
            reshard(ids.get(0), ids.get(1));
            reshard(ids.get(1), ids.get(2));
            reshard(ids.get(2), ids.get(0));
            traffic.stopAndCheck(first);
            System.out.printf(
                    "resharding: %d full rounds, %d StoreExceptions, %d slots moved 3 times%n",
                    traffic.operations.get(), traffic.retryable.get(), SLOTS_PER_MOVE);
        }
    }

    @Test
    @DisplayName(
            "a master failed over to its replica (CLUSTER FAILOVER) under the same traffic keeps the same promises")
    void trafficDuringFailover() throws Exception {
        List<ServerProcess> nodes = RedisServers.startCluster(1);
        try (Cache first = Caches.open(uri(nodes));
                Cache second = Caches.open(uri(nodes))) {
            Traffic traffic = new Traffic(List.of(first, second));
            ServerProcess replica = nodes.stream()
                    .filter(node -> role(node).equals("slave"))
                    .findFirst()
                    .orElseThrow();
            ServerProcess oldMaster = masterOf(nodes, replica);
            Thread.sleep(300); // traffic on the old topology first
            awaitLinkUp(replica);
            // A manual failover gives up after 5 s if the master does not pause in time; try again then.
            int attempts = 0;
            for (; attempts < 3 && !role(replica).equals("master"); attempts++) {
                try (Jedis jedis = new Jedis("127.0.0.1", replica.port())) {
                    assertThat(jedis.clusterFailover()).isEqualTo("OK");
                }
                awaitRole(replica, "master", 10);
            }
            assertThat(role(replica)).as(replica + " after CLUSTER FAILOVER").isEqualTo("master");
            assertThat(awaitRole(oldMaster, "slave", 30))
                    .as(oldMaster + " became a replica")
                    .isTrue();
            Thread.sleep(300); // and on the new one
            traffic.stopAndCheck(first);
            System.out.printf(
                    "cluster failover: %d CLUSTER FAILOVER attempts, %d full rounds, %d StoreExceptions%n",
                    attempts, traffic.operations.get(), traffic.retryable.get());
        } finally {
            nodes.forEach(ServerProcess::close);
        }
    }

    private static String uri(List<ServerProcess> nodes) {
        return "redis-cluster://" + nodes.stream().map(ServerProcess::address).collect(Collectors.joining(","))
                + "?timeout=5s&prefix=reshard:";
    }

    /**
     * 8 threads on the caches, each in a loop until stopped: a put of one of its own keys
     * (remembered once acknowledged), a tagged put, a flush of that tag and a read that must miss,
     * and a lock around a non-atomic counter. A {@link StoreException} (a slot caught moving) is
     * counted and the loop goes on; anything else fails the test.
     */
    private static final class Traffic {
        final Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
        final Map<String, Integer> uncertain = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String[]> flushed = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicInteger retryable = new AtomicInteger();
        final AtomicInteger lockSections = new AtomicInteger();
        final AtomicInteger operations = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final int[] counter = {0};
        final List<Thread> threads = new ArrayList<>();

        Traffic(List<Cache> caches) {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Cache cache = caches.get(t % caches.size());
                threads.add(new Thread(() -> run(cache, thread)));
            }
            threads.forEach(Thread::start);
        }

        private void run(Cache cache, int thread) {
            for (int i = 0; !stop.get(); i++) {
                String key = "w:" + thread + ":" + (i % 200);
                String tag = "tag:" + thread + ":" + i;
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
                    cache.tags(tag).put(tagged, i);
                    cache.tags(tag).flush();
                    flushed.add(new String[] {tag, tagged});
                    assertThat(cache.tags(tag).get(tagged, Integer.class).isMiss())
                            .as("read after the flush of " + tag)
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
        }

        void stopAndCheck(Cache reader) throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.MINUTES.toMillis(1));
            }
            assertThat(unexpected).isEmpty();
            assertThat(operations.get()).as("full rounds").isGreaterThan(THREADS);
            assertThat(counter[0]).as("increments under the lock").isEqualTo(lockSections.get());
            for (Map.Entry<String, Integer> write : acknowledged.entrySet()) {
                Integer read = reader.get(write.getKey(), Integer.class).value();
                Integer maybe = uncertain.get(write.getKey());
                assertThat(read).as(write.getKey()).isIn(write.getValue(), maybe);
            }
            for (String[] entry : flushed) {
                assertThat(reader.tags(entry[0]).get(entry[1], Integer.class).isMiss())
                        .as("flushed " + entry[1])
                        .isTrue();
            }
        }
    }

    private static String role(ServerProcess node) {
        try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
            return jedis.role().get(0).toString();
        }
    }

    private static ServerProcess masterOf(List<ServerProcess> nodes, ServerProcess replica) {
        try (Jedis jedis = new Jedis("127.0.0.1", replica.port())) {
            int port = Integer.parseInt(jedis.configGet("port").get("port"));
            String info = jedis.info("replication");
            int masterPort = Integer.parseInt(info.lines()
                    .filter(line -> line.startsWith("master_port:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("master_port:".length())
                    .trim());
            assertThat(port).isEqualTo(replica.port());
            return nodes.stream()
                    .filter(n -> n.port() == masterPort)
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static boolean awaitRole(ServerProcess node, String role, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!role(node).equals(role)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static void awaitLinkUp(ServerProcess replica) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Jedis jedis = new Jedis("127.0.0.1", replica.port())) {
                if (jedis.info("replication").contains("master_link_status:up")) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(replica + " did not sync with its master within 30 s");
            }
            Thread.sleep(50);
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
