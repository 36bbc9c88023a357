package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Fencing tokens and lost-lock detection when Redis loses the lock's keys: a restart, an eviction. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisLockFaultTest {

    private static final String FENCE = KeyLayout.of("cachekit:").fence("job");

    @Test
    @DisplayName("after a restart with a lock held, the next holder's token is larger and the old holder's"
            + " watchdog reports the lock lost once")
    void restartWithALockHeld() throws Exception {
        try (ServerProcess server = RedisServers.startStandalone();
                Cache holderCache = Caches.open("redis://" + server.address() + "?timeout=500ms");
                Cache nextCache = Caches.open("redis://" + server.address() + "?timeout=500ms")) {
            AtomicInteger lost = new AtomicInteger();
            CountDownLatch told = new CountDownLatch(1);
            HeldLock old = holderCache
                    .lock("job")
                    .withLease(Duration.ofSeconds(3))
                    .withWatchdog(true)
                    .onLost(() -> {
                        lost.incrementAndGet();
                        told.countDown();
                    })
                    .tryAcquire()
                    .orElseThrow();

            server.kill();
            server.restart();

            HeldLock next = nextCache.lock("job").tryAcquire().orElseThrow();
            assertThat(next.fencingToken())
                    .as("the first token after an empty restart")
                    .isGreaterThan(old.fencingToken());
            // The watchdog renews every second; its first renewal after the restart finds another owner.
            assertThat(told.await(60, TimeUnit.SECONDS))
                    .as("the old holder was told")
                    .isTrue();
            assertThat(old.isHeld()).isFalse();
            old.close();
            assertThat(next.isHeld()).isTrue();
            assertThat(next.release()).isTrue();
            assertThat(lost).hasValue(1);
        }
    }

    @Test
    @DisplayName("with maxmemory and allkeys-lru evicting the counter under a fill, tokens never repeat or go down")
    void evictionUnderFill() {
        try (ServerProcess server =
                        RedisServers.startStandalone("--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru");
                Cache cache = Caches.open("redis://" + server.address());
                Jedis raw = new Jedis("127.0.0.1", server.port())) {
            byte[] junk = new byte[64 * 1024];
            List<Long> tokens = new ArrayList<>();
            int evicted = 0;
            for (int round = 0; round < 40; round++) {
                if (round > 0 && raw.get(FENCE) == null) {
                    evicted++;
                }
                try (HeldLock held = cache.lock("job").tryAcquire().orElseThrow()) {
                    tokens.add(held.fencingToken());
                }
                Pipeline fill = raw.pipelined();
                for (int i = 0; i < 100; i++) {
                    fill.set(("fill:" + round + ":" + i).getBytes(StandardCharsets.US_ASCII), junk);
                }
                fill.sync();
            }
            assertThat(evicted).as("rounds whose counter had been evicted").isPositive();
            assertThat(tokens).isSorted().doesNotHaveDuplicates();
        }
    }
}
