package dev.cachekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a Spring Boot application sees through the starter, on a real backend: the annotations work,
 * and {@code @Cacheable(sync = true)} loads once across two nodes.
 */
abstract class SpringCacheContract {

    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    /**
     * The properties of node {@code node} (0 or 1) of a two-node application; both nodes share
     * one store and one prefix, unique to the test.
     */
    abstract String[] nodeProperties(int node, String prefix);

    ConfigurableApplicationContext node(int node, String prefix) {
        ConfigurableApplicationContext context = TestApplication.start(nodeProperties(node, prefix));
        contexts.add(context);
        return context;
    }

    @AfterEach
    void closeContexts() {
        contexts.forEach(ConfigurableApplicationContext::close);
        contexts.clear();
    }

    static String uniquePrefix() {
        return "t" + System.nanoTime() + ":";
    }

    @Test
    @DisplayName("@Cacheable caches, @CachePut replaces, @CacheEvict removes one entry or all of them")
    void annotations() {
        ConfigurableApplicationContext context = node(0, uniquePrefix());
        assertThat(context.getBean(CacheManager.class)).isInstanceOf(dev.cachekit.spring.CachekitCacheManager.class);
        BookService books = context.getBean(BookService.class);
        books.database().put(1L, "Dune");
        books.database().put(2L, "Emma");

        assertThat(books.find(1L)).isEqualTo("Dune");
        assertThat(books.find(1L)).isEqualTo("Dune");
        assertThat(books.bodyCalls()).isEqualTo(1);

        assertThat(books.find(3L)).isNull();
        assertThat(books.find(3L)).isNull();
        assertThat(books.bodyCalls()).as("a null result is cached as a null").isEqualTo(2);

        books.update(1L, "Dune Messiah");
        assertThat(books.find(1L)).isEqualTo("Dune Messiah");
        assertThat(books.bodyCalls()).isEqualTo(2);

        books.delete(1L);
        books.database().put(1L, "Dune again");
        assertThat(books.find(1L)).isEqualTo("Dune again");
        assertThat(books.bodyCalls()).isEqualTo(3);

        assertThat(books.find(2L)).isEqualTo("Emma");
        books.database().put(2L, "Persuasion");
        books.deleteAll();
        books.database().put(2L, "Persuasion");
        assertThat(books.find(2L)).isEqualTo("Persuasion");
        assertThat(books.find(1L)).isNull();
        assertThat(books.bodyCalls()).isEqualTo(6);
    }

    @Test
    @DisplayName("a @Cacheable method returning a CompletableFuture is cached through retrieve")
    void asynchronousMethod() throws Exception {
        BookService books = node(0, uniquePrefix()).getBean(BookService.class);
        assertThat(books.cover(1L).get(30, TimeUnit.SECONDS)).isEqualTo("cover 1");
        assertThat(books.cover(1L).get(30, TimeUnit.SECONDS)).isEqualTo("cover 1");
        assertThat(books.bodyCalls()).isEqualTo(1);
    }

    @Test
    @DisplayName("two nodes x 8 threads on one cold @Cacheable(sync = true) key run the method once, 20 rounds")
    void syncLoadsOnceAcrossNodes() throws Exception {
        String prefix = uniquePrefix();
        List<BookService> services = List.of(
                node(0, prefix).getBean(BookService.class), node(1, prefix).getBean(BookService.class));
        int threadsPerNode = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerNode * services.size());
        try {
            List<Integer> loadsPerRound = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                int before = services.stream().mapToInt(s -> s.bodyCalls()).sum();
                String key = "round-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (BookService service : services) {
                    for (int t = 0; t < threadsPerNode; t++) {
                        results.add(pool.submit(() -> {
                            start.await();
                            return service.report(key);
                        }));
                    }
                }
                start.countDown();
                for (Future<String> result : results) {
                    assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo("report " + key);
                }
                loadsPerRound.add(services.stream().mapToInt(s -> s.bodyCalls()).sum() - before);
            }
            System.out.println(getClass().getSimpleName() + ": method body runs per round (2 nodes x " + threadsPerNode
                    + " threads): " + loadsPerRound);
            assertThat(loadsPerRound).hasSize(20).containsOnly(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
