package dev.cachekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@DisplayName("@Cacheable on a method returning CompletableFuture")
class CacheableFutureTest {

    /**
     * A service whose futures complete only when the test says so, counting its calls (read
     * through methods: the bean is a proxy, whose own fields are not the target's).
     */
    static class Users {
        private final AtomicInteger calls = new AtomicInteger();
        private final CountDownLatch release = new CountDownLatch(1);
        private final List<String> threads = new CopyOnWriteArrayList<>();

        public List<String> threads() {
            return threads;
        }

        public int calls() {
            return calls.get();
        }

        public void release() {
            release.countDown();
        }

        @Cacheable(cacheNames = "users", sync = true)
        public CompletableFuture<String> find(int id) {
            calls.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            return CompletableFuture.supplyAsync(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "user" + id;
            });
        }

        @Cacheable(cacheNames = "names")
        public CompletableFuture<String> name(int id) {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture("name" + id);
        }
    }

    @Configuration
    @EnableCaching
    static class Config {
        @Bean(destroyMethod = "close")
        Cache cache() {
            return Caches.open("memory:");
        }

        @Bean
        CachekitCacheManager cacheManager(Cache cache) {
            return CachekitCacheManager.builder(cache).build();
        }

        @Bean
        Users users() {
            return new Users();
        }
    }

    @Test
    @DisplayName("sync = true, 8 threads on one cold key: the method runs once, all get its value, then a hit")
    void loadsOnce() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Config.class)) {
            Users users = context.getBean(Users.class);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CompletableFuture<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(callers.submit(() -> {
                    start.await();
                    return users.find(1);
                }));
            }
            start.countDown();
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (Future<CompletableFuture<String>> call : calls) {
                results.add(call.get(30, TimeUnit.SECONDS));
            }
            // Every caller holds its future before the one load completes: none could read a hit.
            assertThat(results).noneMatch(CompletableFuture::isDone);
            users.release();
            for (CompletableFuture<String> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("user1");
            }
            assertThat(users.calls()).isEqualTo(1);
            // Spring asked for the value through getOrLoadAsync: the method ran on the cache's executor.
            assertThat(users.threads()).containsExactly("cachekit-async-memory:");

            assertThat(users.find(1).get(30, TimeUnit.SECONDS)).isEqualTo("user1");
            assertThat(users.calls()).isEqualTo(1);
            assertThat(context.getBean(Cache.class)
                            .get("users::" + StableKey.of(1), String.class)
                            .value())
                    .isEqualTo("user1");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    @DisplayName("without sync: the first call's value is cached when its future completes, the second is a hit")
    void servedFromTheCache() throws Exception {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Config.class)) {
            Users users = context.getBean(Users.class);
            assertThat(users.name(7).get(30, TimeUnit.SECONDS)).isEqualTo("name7");
            assertThat(users.name(7).get(30, TimeUnit.SECONDS)).isEqualTo("name7");
            assertThat(users.calls()).isEqualTo(1);
        }
    }
}
