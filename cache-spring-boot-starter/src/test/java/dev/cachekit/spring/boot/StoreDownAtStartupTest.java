package dev.cachekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cachekit.Cache;
import dev.cachekit.CacheLock;
import dev.cachekit.HeldLock;
import dev.cachekit.StoreException;
import dev.cachekit.TaggedCache;
import dev.cachekit.spring.CachekitSpringCache;
import dev.cachekit.tck.ServerProcess;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An application whose Redis is down when it starts: by default it starts, its health is DOWN and
 * its cache calls follow {@code onStoreError} until Redis answers, and then it uses Redis; with
 * {@code cachekit.require-store-at-startup=true} it refuses to start.
 */
@DisplayName("Spring Boot with the store down at startup")
class StoreDownAtStartupTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    @DisplayName("the application starts, health is DOWN and calls fail without loading (onStoreError=fail);"
            + " once Redis is up, health is UP and the same beans cache in it")
    void startsAndConnectsLater() throws Exception {
        try (ServerProcess redis = ServerProcess.redis()) {
            redis.kill();
            ConfigurableApplicationContext context = TestApplication.start(
                    "cachekit.uri=redis://127.0.0.1:" + redis.port() + "?timeout=300ms", "cachekit.prefix=down1:");
            try {
                CachekitHealthIndicator health = context.getBean(CachekitHealthIndicator.class);
                Health down = health.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails().get("store")).asString().contains(String.valueOf(redis.port()));
                assertThat(down.getDetails().get("error")).asString().contains(String.valueOf(redis.port()));

                BookService books = context.getBean(BookService.class);
                books.database().put(1L, "Dune");
                assertThatThrownBy(() -> books.find(1L))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining(String.valueOf(redis.port()));
                assertThatThrownBy(() -> books.report("q3"))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining(String.valueOf(redis.port()));
                assertThat(books.bodyCalls())
                        .as("under onStoreError=fail nothing loads")
                        .isZero();

                // Views and caches handed out while the store was down follow it once it is up.
                Cache cache = context.getBean(Cache.class);
                TaggedCache view = cache.tags("early");
                CachekitSpringCache spring = (CachekitSpringCache)
                        context.getBean(CacheManager.class).getCache("books");
                CacheLock lock = cache.lock("job").withLease(Duration.ofSeconds(10));
                assertThatThrownBy(lock::tryAcquire).isInstanceOf(StoreException.class);
                assertThatThrownBy(() -> view.put("k", "v")).isInstanceOf(StoreException.class);

                redis.restart();
                awaitUp(health);
                assertThat(books.find(1L)).isEqualTo("Dune");
                assertThat(books.find(1L)).isEqualTo("Dune");
                assertThat(books.bodyCalls())
                        .as("one load, then a hit in Redis")
                        .isEqualTo(1);
                assertThat(spring.get(1L).get()).isEqualTo("Dune");
                view.put("k", "v");
                assertThat(cache.tags("early").get("k", String.class).value()).isEqualTo("v");
                assertThat(cache.describe()).doesNotContain("not reached");
                Optional<HeldLock> held = lock.tryAcquire();
                assertThat(held).isPresent();
                assertThat(cache.lock("job").tryAcquire())
                        .as("the lock taken through the early handle is held in Redis")
                        .isEmpty();
                assertThat(held.get().release()).isTrue();
            } finally {
                context.close();
            }
        }
    }

    @Test
    @DisplayName("with onStoreError=load in the URI the method runs while Redis is down, and nothing is cached")
    void loadsWhileDownUnderOnStoreErrorLoad() throws Exception {
        try (ServerProcess redis = ServerProcess.redis()) {
            redis.kill();
            ConfigurableApplicationContext context = TestApplication.start(
                    "cachekit.uri=redis://127.0.0.1:" + redis.port() + "?timeout=300ms&onStoreError=load",
                    "cachekit.prefix=down2:");
            try {
                BookService books = context.getBean(BookService.class);
                assertThat(books.report("q3")).isEqualTo("report q3");
                assertThat(books.report("q3")).isEqualTo("report q3");
                assertThat(books.bodyCalls())
                        .as("each call loads: nothing can be cached")
                        .isEqualTo(2);
                assertThat(context.getBean(CachekitHealthIndicator.class)
                                .health()
                                .getStatus())
                        .isEqualTo(Status.DOWN);
            } finally {
                context.close();
            }
        }
    }

    @Test
    @DisplayName("with cachekit.require-store-at-startup=true the application does not start, naming Redis"
            + " and the property")
    void refusesToStartWhenRequired() {
        try (ServerProcess redis = ServerProcess.redis()) {
            redis.kill();
            Throwable refused = catchThrowable(() -> TestApplication.start(
                            "cachekit.uri=redis://127.0.0.1:" + redis.port() + "?timeout=300ms",
                            "cachekit.require-store-at-startup=true")
                    .close());
            Throwable store = refused;
            while (store != null && !(store instanceof StoreException)) {
                store = store.getCause();
            }
            assertThat(store)
                    .as("a StoreException among the causes of %s", refused)
                    .isNotNull()
                    .hasMessageContaining(String.valueOf(redis.port()))
                    .hasMessageContaining("cachekit.require-store-at-startup=true");
        }
    }

    private static void awaitUp(CachekitHealthIndicator health) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Health last = health.health();
        while (last.getStatus() != Status.UP && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            last = health.health();
        }
        assertThat(last.getStatus()).as("health %s", last.getDetails()).isEqualTo(Status.UP);
    }
}
