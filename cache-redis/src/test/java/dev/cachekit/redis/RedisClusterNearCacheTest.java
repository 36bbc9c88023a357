package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The near cache on a three-master cluster: {@code PUBLISH} reaches every node, so invalidations
 * arrive whichever node each subscriber sits on, and a local hit sends nothing to any node.
 */
@DisplayName("Near cache on Redis Cluster")
class RedisClusterNearCacheTest {

    @Test
    @DisplayName("writes, removes and flushes by one client reach the other's local copies; local hits send nothing")
    void coherentOnCluster() throws Exception {
        List<ServerProcess> masters = RedisServers.cluster();
        String uri = "redis-cluster://"
                + masters.stream().map(ServerProcess::address).collect(Collectors.joining(","))
                + "?prefix=near-cluster:&near=on";
        try (Cache a = Caches.open(uri);
                Cache b = Caches.open(uri)) {
            a.tags("t1", "t2").put("k", "v1");
            awaitValue(() -> b.tags("t1", "t2").get("k", String.class), "v1");
            try (CommandStats stats = CommandStats.snapshot(masters)) {
                await("b holds k and its tags locally", () -> {
                    stats.since();
                    b.tags("t1", "t2").get("k", String.class);
                    return stats.since().isEmpty();
                });
            }
            a.tags("t1", "t2").put("k", "v2");
            awaitValue(() -> b.tags("t1", "t2").get("k", String.class), "v2");
            a.tags("t2").flush();
            awaitValue(() -> b.tags("t1", "t2").get("k", String.class), null);
            a.tags("t1", "t2").put("k", "v3");
            awaitValue(() -> b.get("k", String.class), "v3");
            a.remove("k");
            awaitValue(() -> b.get("k", String.class), null);
        }
    }

    /** Reads until {@code expected} shows, then 100 times more, which must all agree. */
    private static void awaitValue(Supplier<Lookup<String>> read, String expected) throws InterruptedException {
        await("the reader sees " + expected, () -> Objects.equals(valueOf(read.get()), expected));
        for (int i = 0; i < 100; i++) {
            assertThat(valueOf(read.get())).isEqualTo(expected);
        }
    }

    private static String valueOf(Lookup<String> lookup) {
        return lookup.isMiss() ? null : lookup.value();
    }

    private static void await(String what, Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }
}
