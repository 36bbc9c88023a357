package dev.cachekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CodecException;
import dev.cachekit.core.Caches;
import dev.cachekit.spring.CacheStatistics;
import dev.cachekit.spring.CachekitCacheManager;
import dev.cachekit.spring.CachekitSpringCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@DisplayName("The starter's auto-configuration")
class CachekitAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    CachekitAutoConfiguration.class,
                    CachekitCacheAutoConfiguration.class,
                    CacheAutoConfiguration.class,
                    CacheMetricsAutoConfiguration.class))
            .withUserConfiguration(Caching.class);

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Caching {}

    @Configuration(proxyBeanMethods = false)
    static class Meters {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnCache {
        @Bean(destroyMethod = "close")
        Cache ownCache() {
            return Caches.builder().uri("memory:").keyPrefix("own:").build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnCacheManager {
        @Bean
        CacheManager cacheManager() {
            return new ConcurrentMapCacheManager();
        }
    }

    @Test
    @DisplayName("cachekit.uri alone gives a CachekitCacheManager over that store")
    void uriAlone() {
        runner.withPropertyValues("cachekit.uri=memory:").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CacheManager.class)).isInstanceOf(CachekitCacheManager.class);
            assertThat(context.getBean(Cache.class).describe()).startsWith("memory");
        });
    }

    @Test
    @DisplayName("without cachekit.uri and without a Cache bean it configures nothing, and Boot's own cache steps in")
    void nothingWithoutUri() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(Cache.class);
            assertThat(context.getBean(CacheManager.class)).isNotInstanceOf(CachekitCacheManager.class);
        });
    }

    @Test
    @DisplayName("a Cache bean of the application wins over cachekit.uri, which is then never opened")
    void userCacheWins() {
        runner.withUserConfiguration(OwnCache.class)
                .withPropertyValues("cachekit.uri=redis://127.0.0.1:1?timeout=100ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
                    assertThat(manager.cachekit()).isSameAs(context.getBean("ownCache"));
                });
    }

    @Test
    @DisplayName("a CacheManager of the application wins")
    void userCacheManagerWins() {
        runner.withUserConfiguration(OwnCacheManager.class)
                .withPropertyValues("cachekit.uri=memory:")
                .run(context ->
                        assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class));
    }

    @Test
    @DisplayName("cachekit.prefix, ttl, null-ttl and caches.<name>.* reach the cache and the manager")
    void properties() {
        runner.withPropertyValues(
                        "cachekit.uri=memory:",
                        "cachekit.prefix=shop:",
                        "cachekit.ttl=30m",
                        "cachekit.caches.users.ttl=10m",
                        "cachekit.caches.users.null-ttl=5s",
                        "cachekit.caches.users.tags=people,accounts",
                        "cachekit.codec.allow-packages=dev.cachekit.spring.boot")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
                    assertThat(manager.getCacheNames()).containsExactly("users");
                    CachekitSpringCache users = manager.getCache("users");
                    assertThat(users.settings().ttl()).contains(Duration.ofMinutes(10));
                    assertThat(users.settings().nullTtl()).contains(Duration.ofSeconds(5));
                    assertThat(users.settings().tags()).containsExactly("accounts", "people");
                    assertThat(users.getNativeCache().tags()).containsExactly("accounts", "people", "users");

                    // A class of an allowed package round-trips through the codec.
                    users.put("r", new Point(1, 2));
                    assertThat(users.get("r", Point.class)).isEqualTo(new Point(1, 2));
                    // The prefix reaches the store keys: another cache on the same store without it
                    // does not see the entry.
                    Cache cache = context.getBean(Cache.class);
                    assertThat(cache.tags("accounts", "people", "users")
                                    .get("users::r", Object.class)
                                    .isHit())
                            .isTrue();
                });
    }

    @Test
    @DisplayName("a class outside the allow-list is refused naming cachekit.codec.allow-packages and the builder call,"
            + " on put, before a load and on read")
    void allowListNamesTheProperty() {
        runner.withPropertyValues("cachekit.uri=memory:").run(context -> {
            assertThat(context).hasNotFailed();
            CachekitSpringCache users =
                    context.getBean(CachekitCacheManager.class).getCache("users");
            String[] advice = {
                "dev.cachekit.spring.boot.CachekitAutoConfigurationTest$Point",
                "cachekit.codec.allow-packages",
                ".allowPackage(\"dev.cachekit.spring.boot.\")"
            };
            assertThatThrownBy(() -> users.put("p", new Point(1, 2)))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContainingAll(advice);
            AtomicInteger loads = new AtomicInteger();
            Cache cache = context.getBean(Cache.class);
            assertThatThrownBy(() -> cache.getOrLoad("q", Point.class, () -> {
                        loads.incrementAndGet();
                        return new Point(3, 4);
                    }))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContainingAll(advice);
            assertThat(loads).as("the loader never ran").hasValue(0);
        });
    }

    /** A value class of the allowed package. */
    record Point(int x, int y) {}

    @Test
    @DisplayName("starts without Micrometer, Boot's cache module or the health module on the class path")
    void minimalClassPath() {
        new ApplicationContextRunner()
                .withClassLoader(new FilteredClassLoader(
                        "io.micrometer.", "org.springframework.boot.cache.", "org.springframework.boot.health."))
                .withConfiguration(
                        AutoConfigurations.of(CachekitAutoConfiguration.class, CachekitCacheAutoConfiguration.class))
                .withUserConfiguration(Caching.class)
                .withPropertyValues("cachekit.uri=memory:")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CacheManager.class)).isInstanceOf(CachekitCacheManager.class);
                    assertThat(context).doesNotHaveBean(CachekitHealthIndicator.class);
                });
    }

    @Test
    @DisplayName("binds Micrometer cache meters to configured caches and to caches created later")
    void meters() {
        runner.withUserConfiguration(Meters.class)
                .withPropertyValues("cachekit.uri=memory:", "cachekit.caches.users.ttl=10m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    CachekitCacheManager manager = context.getBean(CachekitCacheManager.class);
                    for (String name : new String[] {"users", "later"}) {
                        CachekitSpringCache cache = manager.getCache(name);
                        cache.get("k", () -> "v");
                        cache.get("k", () -> "v");
                        assertThat(registry.get("cache.gets")
                                        .tags("cache", name, "result", "hit")
                                        .functionCounter()
                                        .count())
                                .as("hits of %s", name)
                                .isEqualTo(1);
                        assertThat(registry.get("cache.gets")
                                        .tags("cache", name, "result", "miss")
                                        .functionCounter()
                                        .count())
                                .as("misses of %s: the first read, and any re-read under the load lock", name)
                                .isGreaterThanOrEqualTo(1);
                        assertThat(registry.get("cache.puts")
                                        .tags("cache", name)
                                        .functionCounter()
                                        .count())
                                .isEqualTo(1);
                        assertThat(registry.get("cache.load")
                                        .tags("cache", name, "result", "success")
                                        .functionCounter()
                                        .count())
                                .isEqualTo(1);
                        assertThat(registry.get("cache.load.duration")
                                        .tags("cache", name, "cache.manager", "cacheManager")
                                        .functionTimer()
                                        .count())
                                .isEqualTo(1);
                        assertThat(registry.find("cache.load.wait")
                                        .tags("cache", name)
                                        .functionTimers())
                                .hasSize(2);
                    }
                    assertThat(context.getBean(CacheStatistics.class)
                                    .of("users")
                                    .loadSuccesses())
                            .isEqualTo(1);
                });
    }

    @Test
    @DisplayName("the health indicator reports the store")
    void health() {
        runner.withPropertyValues("cachekit.uri=memory:").run(context -> {
            var health = context.getBean(CachekitHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsKey("store");
        });
    }
}
