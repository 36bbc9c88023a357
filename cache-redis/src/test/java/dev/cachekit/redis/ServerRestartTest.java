package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.StoreException;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The server is killed under an open cache and restarted on the same port. */
class ServerRestartTest {

    private static ServerProcess server;

    @BeforeAll
    static void startServer() {
        // A server of its own: this test kills it.
        server = RedisServers.startStandalone();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    @DisplayName("calls fail naming the address while the server is down, and the same cache works after restart")
    void survivesRestart() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        try (Cache cache = Caches.open("redis://" + server.address() + "?timeout=500ms")) {
            TaggedCache users = cache.tags("users");
            users.put("user:1", "Ada");
            assertThat(users.get("user:1", String.class).value()).isEqualTo("Ada");

            server.kill();

            assertThatThrownBy(() -> users.get("user:1", String.class))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("redis " + server.address() + " is unreachable");
            assertThatThrownBy(() -> cache.put("k", "v"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(server.address());
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet()))
                    .as("getOrLoad fails without calling the loader, so an outage is no stampede on the source")
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(server.address());
            assertThat(loads).hasValue(0);
            assertThatThrownBy(() -> cache.lock("job").tryAcquire())
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(server.address());

            server.restart();

            // The server kept nothing (no persistence): a miss, then the usual load.
            assertThat(users.get("user:1", String.class).isMiss()).isTrue();
            users.put("user:1", "Grace");
            assertThat(users.get("user:1", String.class).value()).isEqualTo("Grace");
            // The release script is unknown to the restarted server: EVALSHA falls back to EVAL.
            assertThat(cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");
            assertThat(cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");
            Optional<HeldLock> lock = cache.lock("job").tryAcquire();
            assertThat(lock).isPresent();
            assertThat(lock.get().release()).isTrue();

            awaitSubscribers(1);
        }
        awaitSubscribers(0);
    }

    /** Waits until the lock-release channel has {@code expected} subscribers on the server. */
    private static void awaitSubscribers(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long subscribers = -1;
        try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            while (System.nanoTime() < deadline) {
                subscribers = jedis.pubsubNumSub(RedisLockSignal.CHANNEL).get(RedisLockSignal.CHANNEL);
                if (subscribers == expected) {
                    return;
                }
                Thread.sleep(20);
            }
        }
        assertThat(subscribers)
                .as("subscribers of " + RedisLockSignal.CHANNEL + " within 10 s")
                .isEqualTo(expected);
    }
}
