package dev.cachekit.redis;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Slots move between masters ({@code redis-cli --cluster reshard}) while 8 threads on 2 caches
 * write, read, flush tags and take locks ({@link ClusterTraffic}).
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
            ClusterTraffic traffic = new ClusterTraffic(List.of(first, second));
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

    static String uri(List<ServerProcess> nodes) {
        return "redis-cluster://" + nodes.stream().map(ServerProcess::address).collect(Collectors.joining(","))
                + "?timeout=5s&prefix=reshard:";
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
