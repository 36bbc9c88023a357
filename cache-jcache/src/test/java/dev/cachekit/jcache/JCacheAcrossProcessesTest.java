package dev.cachekit.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two cache managers on one store, each from its own provider and so with its own client: the two
 * "processes" the TCK never has. What one does, the other sees; the conditional operations, entry
 * processors and read-through loads are atomic between them. It runs in each TCK execution, on that
 * execution's backend (the URI {@link TckBackend} set), and in the default one on a named memory
 * space that both managers open.
 */
class JCacheAcrossProcessesTest {

    private JCacheProvider firstProvider;
    private JCacheProvider secondProvider;
    private CacheManager first;
    private CacheManager second;

    @BeforeEach
    void openTwoManagers() {
        URI uri = URI.create(System.getProperty(JCacheProvider.URI_PROPERTY, "memory://across-processes"));
        firstProvider = new JCacheProvider();
        secondProvider = new JCacheProvider();
        first = firstProvider.getCacheManager(uri, null);
        second = secondProvider.getCacheManager(uri, null);
    }

    @AfterEach
    void closeManagers() {
        first.destroyCache("shared");
        firstProvider.close();
        secondProvider.close();
    }

    private static MutableConfiguration<String, Integer> config() {
        return new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class);
    }

    @Test
    @DisplayName("an entry put through one manager is read through the other")
    void anEntryPutThroughOneIsReadThroughTheOther() {
        Cache<String, Integer> a = first.createCache("shared", config());
        Cache<String, Integer> b = second.createCache("shared", config());

        a.put("answer", 42);

        assertThat(b.get("answer")).isEqualTo(42);
        assertThat(b.containsKey("answer")).isTrue();
    }

    /** Made by a JCache factory, so public with a public constructor. */
    public static final class Increment implements EntryProcessor<String, Integer, Void>, Serializable {
        private static final long serialVersionUID = 1L;

        public Increment() {}

        @Override
        public Void process(javax.cache.processor.MutableEntry<String, Integer> entry, Object... arguments) {
            Integer current = entry.getValue();
            entry.setValue(current == null ? 1 : current + 1);
            return null;
        }
    }

    @Test
    @DisplayName("entry processors of two managers on one key lose no increment")
    void invokeIsAtomicAcrossManagers() throws Exception {
        Cache<String, Integer> a = first.createCache("shared", config());
        Cache<String, Integer> b = second.createCache("shared", config());
        int threadsPerManager = 4;
        int incrementsPerThread = 50;

        runConcurrently(
                threadsPerManager, incrementsPerThread, cache -> cache.invoke("counter", new Increment()), a, b);

        assertThat(a.get("counter")).isEqualTo(2 * threadsPerManager * incrementsPerThread);
    }

    @Test
    @DisplayName("putIfAbsent from two managers' threads on one key has exactly one winner")
    void putIfAbsentHasOneWinnerAcrossManagers() throws Exception {
        Cache<String, Integer> a = first.createCache("shared", config());
        Cache<String, Integer> b = second.createCache("shared", config());
        int keys = 20;
        Map<String, AtomicInteger> winners = new ConcurrentHashMap<>();
        AtomicInteger thread = new AtomicInteger();

        runConcurrently(4, keys, cache -> {}, a, b); // warms both clients' connections
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int k = 0; k < keys; k++) {
                String key = "k" + k;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    Cache<String, Integer> cache = t % 2 == 0 ? a : b;
                    int value = thread.incrementAndGet();
                    done.add(pool.submit(() -> {
                        start.await();
                        if (cache.putIfAbsent(key, value)) {
                            winners.computeIfAbsent(key, x -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(winners).hasSize(keys);
        assertThat(winners.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }

    static final AtomicInteger LOADS = new AtomicInteger();

    /** Made by a JCache factory, so public with a public constructor. */
    public static final class SlowLoader implements CacheLoader<String, Integer>, Serializable {
        private static final long serialVersionUID = 1L;

        public SlowLoader() {}

        @Override
        public Integer load(String key) {
            LOADS.incrementAndGet();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 7;
        }

        @Override
        public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
            throw new UnsupportedOperationException("not used here");
        }
    }

    @Test
    @DisplayName("a cold key read through by two managers' threads is loaded once")
    void readThroughLoadsOnceAcrossManagers() throws Exception {
        MutableConfiguration<String, Integer> config =
                config().setReadThrough(true).setCacheLoaderFactory(FactoryBuilder.factoryOf(SlowLoader.class));
        Cache<String, Integer> a = first.createCache("shared", config);
        Cache<String, Integer> b = second.createCache("shared", config);
        LOADS.set(0);
        List<Integer> seen = new ArrayList<>();

        runConcurrently(
                8,
                1,
                cache -> {
                    Integer value = cache.get("cold");
                    synchronized (seen) {
                        seen.add(value);
                    }
                },
                a,
                b);

        assertThat(LOADS.get()).isEqualTo(1);
        assertThat(seen).hasSize(16).containsOnly(7);
    }

    @Test
    @DisplayName("clear() on one manager empties the cache for the other (one tag flush)")
    void clearOnOneEmptiesTheCacheForTheOther() {
        Cache<String, Integer> a = first.createCache("shared", config());
        Cache<String, Integer> b = second.createCache("shared", config());
        for (int i = 0; i < 10; i++) {
            b.put("k" + i, i);
        }

        a.clear();

        for (int i = 0; i < 10; i++) {
            assertThat(b.get("k" + i)).isNull();
        }
    }

    @Test
    @DisplayName("the iterator lists only the keys its own manager wrote or read")
    void theIteratorListsOnlyTheKeysItsManagerKnows() {
        Cache<String, Integer> a = first.createCache("shared", config());
        Cache<String, Integer> b = second.createCache("shared", config());
        a.put("from-a", 1);
        b.put("from-b", 2);

        List<String> seenByA = StreamSupport.stream(a.spliterator(), false)
                .map(Cache.Entry::getKey)
                .toList();
        b.get("from-a"); // a read makes the key known to b
        List<String> seenByB = StreamSupport.stream(b.spliterator(), false)
                .map(Cache.Entry::getKey)
                .toList();

        assertThat(seenByA).containsExactly("from-a");
        assertThat(seenByB).containsExactlyInAnyOrder("from-a", "from-b");
    }

    static final AtomicInteger CREATED_HEARD = new AtomicInteger();

    /** Made by a JCache factory, so public with a public constructor. */
    public static final class CountCreated implements CacheEntryCreatedListener<String, Integer>, Serializable {
        private static final long serialVersionUID = 1L;

        public CountCreated() {}

        @Override
        public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
            events.forEach(e -> CREATED_HEARD.incrementAndGet());
        }
    }

    @Test
    @DisplayName("a listener hears its own manager's changes, not another process's")
    void aListenerHearsOnlyItsOwnManager() {
        Cache<String, Integer> a = first.createCache("shared", config());
        Cache<String, Integer> b = second.createCache("shared", config());
        CREATED_HEARD.set(0);
        a.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
                FactoryBuilder.factoryOf(CountCreated.class), null, false, true));

        b.put("from-b", 1);
        a.put("from-a", 2);

        assertThat(CREATED_HEARD.get()).isEqualTo(1);
    }

    private interface CacheCall {
        void run(Cache<String, Integer> cache) throws Exception;
    }

    /** Runs {@code calls} calls on each of {@code threadsPerCache} threads per cache, all at once. */
    @SafeVarargs
    private static void runConcurrently(
            int threadsPerCache, int calls, CacheCall call, Cache<String, Integer>... caches) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threadsPerCache * caches.length);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Cache<String, Integer> cache : caches) {
                for (int t = 0; t < threadsPerCache; t++) {
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < calls; i++) {
                            call.run(cache);
                        }
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
