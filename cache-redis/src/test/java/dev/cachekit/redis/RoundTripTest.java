package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Round trips counted by the servers themselves, with {@code INFO commandstats}. */
class RoundTripTest {

    private static ServerProcess server;

    @BeforeAll
    static void startServer() {
        // A server of its own, so no other test's commands get counted.
        server = RedisServers.startStandalone();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    @DisplayName("a tagged read with three tags is exactly one MGET on a standalone server")
    void taggedReadIsOneMget() {
        try (Cache cache = Caches.open("redis://" + server.address());
                CommandStats stats = CommandStats.snapshot(List.of(server))) {
            TaggedCache tagged = cache.tags("users", "user:42", "lists");
            tagged.put("user:42", "Ada");
            stats.since();

            assertThat(tagged.get("user:42", String.class).value()).isEqualTo("Ada");

            assertThat(stats.since()).isEqualTo(Map.of("mget", 1L));
        }
    }

    @Test
    @DisplayName("a getOrLoad hit sends one read and no lock command")
    void getOrLoadHitTakesNoLock() {
        AtomicInteger loads = new AtomicInteger();
        try (Cache cache = Caches.open("redis://" + server.address());
                CommandStats stats = CommandStats.snapshot(List.of(server))) {
            TaggedCache tagged = cache.tags("users", "user:7", "lists");
            assertThat(tagged.getOrLoad("user:7", String.class, () -> "Grace" + loads.incrementAndGet()))
                    .isEqualTo("Grace1");
            stats.since();

            assertThat(tagged.getOrLoad("user:7", String.class, () -> "Grace" + loads.incrementAndGet()))
                    .isEqualTo("Grace1");
            assertThat(stats.since()).isEqualTo(Map.of("mget", 1L));

            assertThat(cache.getOrLoad("plain", String.class, () -> "x" + loads.incrementAndGet()))
                    .isEqualTo("x2");
            stats.since();
            assertThat(cache.getOrLoad("plain", String.class, () -> "x" + loads.incrementAndGet()))
                    .isEqualTo("x2");

            assertThat(stats.since()).isEqualTo(Map.of("get", 1L));
            assertThat(loads).hasValue(2);
        }
    }

    @Test
    @DisplayName("the miss path of getOrLoad locks in one round trip (SET NX PX) and releases in one (EVALSHA),"
            + " with no fencing counter")
    void getOrLoadMissUsesNativeLock() {
        try (Cache cache = Caches.open("redis://" + server.address());
                CommandStats stats = CommandStats.snapshot(List.of(server))) {
            // Load the compare-and-delete script once, so the counted run is the steady state.
            cache.getOrLoad("warm", String.class, () -> "w");
            stats.since();

            assertThat(cache.getOrLoad("cold", String.class, () -> "v")).isEqualTo("v");

            // Read, lock (SET NX PX), re-read, SET of the value, release: one EVALSHA whose script's
            // own GET, DEL and PUBLISH the server counts too.
            assertThat(stats.since()).isEqualTo(Map.of("get", 3L, "set", 2L, "evalsha", 1L, "del", 1L, "publish", 1L));
        }
    }

    @Test
    @DisplayName("a named lock is acquired with its fencing token in one script and released in one script")
    void namedLockIsOneRoundTripEachWay() {
        try (Cache cache = Caches.open("redis://" + server.address());
                CommandStats stats = CommandStats.snapshot(List.of(server))) {
            // Load both scripts once, so the counted runs are the steady state.
            cache.lock("warm").tryAcquire().orElseThrow().release();
            stats.since();

            HeldLock held = cache.lock("job").tryAcquire().orElseThrow();
            // One EVALSHA: SET NX PX, TIME, GET and SET of the counter inside it.
            assertThat(stats.since()).isEqualTo(Map.of("evalsha", 1L, "set", 2L, "time", 1L, "get", 1L));

            assertThat(held.release()).isTrue();
            // One EVALSHA: compare (GET), DEL, then PUBLISH on the prefix's channel.
            assertThat(stats.since()).isEqualTo(Map.of("evalsha", 1L, "get", 1L, "del", 1L, "publish", 1L));
        }
    }

    @Test
    @DisplayName("in a cluster, a tagged read is one GET per key, pipelined per node, and nothing else")
    void clusterTaggedReadIsOneGetPerKey() {
        List<ServerProcess> masters = RedisServers.cluster();
        try (Cache cache = Caches.open(RedisFixture.cluster().uri());
                CommandStats stats = CommandStats.snapshot(masters)) {
            TaggedCache tagged = cache.tags("users", "user:42", "lists");
            tagged.put("user:42", "Ada");
            stats.since();

            assertThat(tagged.get("user:42", String.class).value()).isEqualTo("Ada");

            assertThat(stats.since()).isEqualTo(Map.of("get", 4L));
        }
    }
}
