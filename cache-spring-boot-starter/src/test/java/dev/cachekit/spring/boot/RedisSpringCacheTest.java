package dev.cachekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spring.CachekitSpringCache;
import dev.cachekit.tck.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;

@DisplayName("Spring Boot on Redis")
class RedisSpringCacheTest extends SpringCacheContract {

    private static final ServerProcess REDIS = ServerProcess.redis();

    @AfterAll
    static void stopServer() {
        REDIS.close();
    }

    @Override
    String[] nodeProperties(int node, String prefix) {
        return new String[] {"cachekit.uri=redis://127.0.0.1:" + REDIS.port(), "cachekit.prefix=" + prefix};
    }

    @Test
    @DisplayName("@CacheEvict(allEntries = true) sends the same commands for 10 and for 100,000 entries,"
            + " and then every entry misses while other caches keep theirs")
    void evictAllEntriesCostsTheSameAtAnySize() throws Exception {
        ConfigurableApplicationContext context = node(0, uniquePrefix());
        BookService service = context.getBean(BookService.class);
        CacheManager manager = context.getBean(CacheManager.class);
        CachekitSpringCache bulk = (CachekitSpringCache) manager.getCache("bulk");
        CachekitSpringCache other = (CachekitSpringCache) manager.getCache("books");
        for (long id = 0; id < 100; id++) {
            other.put(id, "book " + id);
        }

        Map<String, Long> small = fillAndEvict(service, bulk, 10);
        Map<String, Long> large = fillAndEvict(service, bulk, 100_000);

        System.out.println("RedisSpringCacheTest: @CacheEvict(allEntries = true) commands with 10 entries: " + small
                + "; with 100000 entries: " + large);
        assertThat(large).isEqualTo(small);
        assertThat(small.keySet()).doesNotContain("keys", "scan", "del", "unlink");
        for (long id = 0; id < 100; id++) {
            assertThat(other.get(id)).as("entry %d of another cache", id).isNotNull();
        }
    }

    private static Map<String, Long> fillAndEvict(BookService service, CachekitSpringCache bulk, int entries)
            throws Exception {
        inParallel(entries, id -> bulk.put(id, "item " + id));
        AtomicLong present = new AtomicLong();
        inParallel(entries, id -> {
            if (bulk.get(id) != null) {
                present.incrementAndGet();
            }
        });
        assertThat(present).as("entries written").hasValue(entries);

        Map<String, Long> commands;
        try (CommandStats stats = new CommandStats(REDIS)) {
            service.clearBulk();
            commands = stats.since();
        }

        AtomicLong stillThere = new AtomicLong();
        inParallel(entries, id -> {
            if (bulk.get(id) != null) {
                stillThere.incrementAndGet();
            }
        });
        assertThat(stillThere)
                .as("entries that did not miss after the eviction")
                .hasValue(0);
        return commands;
    }

    private static void inParallel(int count, LongConsumer work) throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    for (long id = first; id < count; id += threads) {
                        work.accept(id);
                    }
                }));
            }
            for (Future<?> part : parts) {
                part.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("cachekit.caches.<name>.ttl and null-ttl set the expiry of that cache's values and nulls in Redis")
    void perCacheTtl() throws Exception {
        String prefix = uniquePrefix();
        ConfigurableApplicationContext context = TestApplication.start(
                "cachekit.uri=redis://127.0.0.1:" + REDIS.port(),
                "cachekit.prefix=" + prefix,
                "cachekit.caches.books.ttl=10m",
                "cachekit.caches.books.null-ttl=5s",
                "cachekit.caches.reports.null-ttl=7s");
        try (Jedis jedis = new Jedis("127.0.0.1", REDIS.port())) {
            BookService books = context.getBean(BookService.class);
            books.database().put(1L, "Dune");
            books.find(1L);
            books.find(2L);
            CachekitSpringCache cache =
                    (CachekitSpringCache) context.getBean(CacheManager.class).getCache("books");
            KeyLayout layout = KeyLayout.of(prefix);
            long valueTtl = jedis.pttl(layout.entry(cache.cachekitKey(1L)));
            long nullTtl = jedis.pttl(layout.entry(cache.cachekitKey(2L)));
            assertThat(valueTtl).isBetween(1L, Duration.ofMinutes(10).toMillis());
            assertThat(valueTtl).isGreaterThan(Duration.ofSeconds(5).toMillis());
            assertThat(nullTtl).isBetween(1L, Duration.ofSeconds(5).toMillis());

            // A null loaded through get(key, Callable) gets the cache's null TTL too.
            CachekitSpringCache reports =
                    (CachekitSpringCache) context.getBean(CacheManager.class).getCache("reports");
            Object loaded = reports.get("none", () -> null);
            assertThat(loaded).isNull();
            assertThat(jedis.pttl(layout.entry(reports.cachekitKey("none"))))
                    .isBetween(1L, Duration.ofSeconds(7).toMillis());
        } finally {
            context.close();
        }
    }

    @Test
    @DisplayName("the health indicator names the store, and is DOWN once the server is gone")
    void healthFollowsTheServer() {
        try (ServerProcess own = ServerProcess.redis()) {
            ConfigurableApplicationContext context =
                    TestApplication.start("cachekit.uri=redis://127.0.0.1:" + own.port() + "?timeout=500ms");
            try {
                CachekitHealthIndicator health = context.getBean(CachekitHealthIndicator.class);
                Health up = health.health();
                assertThat(up.getStatus()).isEqualTo(Status.UP);
                assertThat(up.getDetails().get("store")).asString().contains(String.valueOf(own.port()));

                own.kill();
                Health down = health.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails().get("store")).asString().contains(String.valueOf(own.port()));
                assertThat(down.getDetails()).containsKey("error");
            } finally {
                context.close();
            }
        }
    }
}
