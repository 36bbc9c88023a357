package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.cachekit.Cache;
import dev.cachekit.CacheBulkLoadException;
import dev.cachekit.CacheListener;
import dev.cachekit.CacheLoadException;
import dev.cachekit.HeldLock;
import dev.cachekit.StoreErrorPolicy;
import dev.cachekit.StoreException;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreLocker;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("getOrLoadAll")
class BulkLoadTest {

    private final List<Cache> caches = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        pool.shutdownNow();
        caches.forEach(Cache::close);
    }

    private Cache track(Cache cache) {
        caches.add(cache);
        return cache;
    }

    private Cache open(String uri) {
        return track(Caches.open(uri));
    }

    /** A loader that records each call's keys and answers {@code key=value-of-key}. */
    private static final class Recording implements dev.cachekit.BulkLoader<String> {
        final List<List<String>> calls = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, String> loadAll(Set<String> keys) {
            calls.add(List.copyOf(keys));
            Map<String, String> values = new HashMap<>();
            keys.forEach(key -> values.put(key, "v-" + key));
            return values;
        }
    }

    /** Counts calls by method name on any interface (a store, a locker) and forwards them. */
    @SuppressWarnings("unchecked")
    private static <T> T counting(Class<T> type, T delegate, Map<String, AtomicInteger> calls) {
        InvocationHandler handler = (proxy, method, args) -> {
            calls.computeIfAbsent(method.getName(), name -> new AtomicInteger()).incrementAndGet();
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static int count(Map<String, AtomicInteger> calls, String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    @Test
    @DisplayName("the loader is called once, with only the missing keys in the caller's order; hits are not sent")
    void loadsOnlyTheMissingKeysOnce() {
        Cache cache = open("memory:");
        cache.put("b", "cached-b");
        cache.put("d", null);
        Recording loader = new Recording();

        Map<String, String> values = cache.getOrLoadAll(List.of("a", "b", "c", "d", "e"), String.class, loader);

        assertThat(values)
                .containsExactly(
                        entry("a", "v-a"),
                        entry("b", "cached-b"),
                        entry("c", "v-c"),
                        entry("d", null),
                        entry("e", "v-e"));
        assertThat(loader.calls).containsExactly(List.of("a", "c", "e"));
        assertThat(cache.get("c", String.class).value()).isEqualTo("v-c");
        // A second call is all hits: the loader is not called again.
        assertThat(cache.getOrLoadAll(List.of("a", "b", "c", "d", "e"), String.class, loader))
                .isEqualTo(values);
        assertThat(loader.calls).hasSize(1);
    }

    @Test
    @DisplayName("a repeated key counts once, in the place of its first appearance")
    void duplicateKeys() {
        Cache cache = open("memory:");
        Recording loader = new Recording();

        Map<String, String> values = cache.getOrLoadAll(List.of("x", "y", "x", "y", "z"), String.class, loader);

        assertThat(values).containsExactly(entry("x", "v-x"), entry("y", "v-y"), entry("z", "v-z"));
        assertThat(loader.calls).containsExactly(List.of("x", "y", "z"));
    }

    @Test
    @DisplayName("no keys: an empty result, no loader call and no store or lock traffic")
    void emptyKeys() {
        Map<String, AtomicInteger> storeCalls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> lockCalls = new ConcurrentHashMap<>();
        Cache cache = countedCache(MemorySpace.createPrivate(), storeCalls, lockCalls);
        storeCalls.clear();
        Recording loader = new Recording();

        assertThat(cache.getOrLoadAll(List.of(), String.class, loader)).isEmpty();

        assertThat(loader.calls).isEmpty();
        assertThat(storeCalls).isEmpty();
        assertThat(lockCalls).isEmpty();
    }

    @Test
    @DisplayName("a null or empty key among good ones fails the call before anything is read, locked or loaded")
    void badKeyFailsFirst() {
        Map<String, AtomicInteger> storeCalls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> lockCalls = new ConcurrentHashMap<>();
        Cache cache = countedCache(MemorySpace.createPrivate(), storeCalls, lockCalls);
        storeCalls.clear();
        Recording loader = new Recording();

        assertThatThrownBy(() -> cache.getOrLoadAll(Arrays.asList("a", null, "c"), String.class, loader))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.getOrLoadAll(List.of("a", "", "c"), String.class, loader))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.getOrLoadAll(null, String.class, loader))
                .isInstanceOf(NullPointerException.class);

        assertThat(loader.calls).isEmpty();
        assertThat(storeCalls).isEmpty();
        assertThat(lockCalls).isEmpty();
    }

    @Test
    @DisplayName("50 cold keys: one tryAcquireAll for all their load locks, no tryAcquire, one loader call")
    void fiftyColdKeysTakeTheirLocksInOneCall() {
        Map<String, AtomicInteger> storeCalls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> lockCalls = new ConcurrentHashMap<>();
        Cache cache = countedCache(MemorySpace.createPrivate(), storeCalls, lockCalls);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            keys.add("user:" + i);
        }
        Recording loader = new Recording();

        Map<String, String> values = cache.getOrLoadAll(keys, String.class, loader);

        assertThat(values).hasSize(50).containsEntry("user:7", "v-user:7");
        assertThat(loader.calls).hasSize(1);
        assertThat(loader.calls.get(0)).isEqualTo(keys);
        assertThat(count(lockCalls, "tryAcquireAll")).isEqualTo(1);
        assertThat(count(lockCalls, "tryAcquire")).isZero();
        // Over a Store, the 50 locks are one setIfAbsentAll (the memory store loops it in process).
        assertThat(count(storeCalls, "setIfAbsentAll")).isEqualTo(1);
        assertThat(count(lockCalls, "releaseAll")).isEqualTo(1);
        assertThat(count(lockCalls, "release")).isZero();
    }

    @Test
    @DisplayName("a key that a single-key getOrLoad of another thread is loading is joined, not loaded again")
    @Timeout(30)
    void joinsASingleKeyLoad() throws Exception {
        CountDownLatch joined = new CountDownLatch(1);
        Cache cache = track(Caches.builder()
                .uri("memory:")
                .listener(new CacheListener() {
                    @Override
                    public void joinedLoad(String key) {
                        joined.countDown();
                    }
                })
                .build());
        CountDownLatch singleStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger singleLoads = new AtomicInteger();
        Future<String> single = pool.submit(() -> cache.getOrLoad("k", String.class, () -> {
            singleLoads.incrementAndGet();
            singleStarted.countDown();
            release.await();
            return "single-k";
        }));
        singleStarted.await();
        Recording loader = new Recording();
        Future<Map<String, String>> bulk =
                pool.submit(() -> cache.getOrLoadAll(List.of("j", "k", "l"), String.class, loader));
        joined.await();
        release.countDown();

        assertThat(bulk.get()).containsExactly(entry("j", "v-j"), entry("k", "single-k"), entry("l", "v-l"));
        assertThat(single.get()).isEqualTo("single-k");
        assertThat(singleLoads).hasValue(1);
        assertThat(loader.calls).containsExactly(List.of("j", "l"));
    }

    @Test
    @DisplayName("a single-key getOrLoad of a key a bulk load is loading joins it; a failed bulk load fails it too")
    @Timeout(30)
    void singleKeyJoinsABulkLoad() throws Exception {
        java.util.concurrent.atomic.AtomicReference<CountDownLatch> joined =
                new java.util.concurrent.atomic.AtomicReference<>();
        Cache cache = track(Caches.builder()
                .uri("memory:")
                .listener(new CacheListener() {
                    @Override
                    public void joinedLoad(String key) {
                        joined.get().countDown();
                    }
                })
                .build());
        for (boolean fails : new boolean[] {false, true}) {
            joined.set(new CountDownLatch(1));
            CountDownLatch bulkStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger bulkLoads = new AtomicInteger();
            String key = fails ? "failing" : "k";
            Future<Map<String, String>> bulk =
                    pool.submit(() -> cache.getOrLoadAll(List.of("a-" + key, key), String.class, keys -> {
                        bulkLoads.incrementAndGet();
                        bulkStarted.countDown();
                        release.await();
                        if (fails) {
                            throw new IOException("database down");
                        }
                        return Map.of("a-" + key, "bulk-a", key, "bulk-" + key);
                    }));
            bulkStarted.await();
            AtomicInteger singleLoads = new AtomicInteger();
            Future<String> single = pool.submit(
                    () -> cache.getOrLoad(key, String.class, () -> "single" + singleLoads.incrementAndGet()));
            joined.get().await();
            release.countDown();

            if (fails) {
                assertThatThrownBy(single::get)
                        .cause()
                        .isInstanceOf(CacheLoadException.class)
                        .hasMessageContaining("'failing'")
                        .hasRootCauseMessage("database down");
                assertThatThrownBy(bulk::get)
                        .cause()
                        .isInstanceOfSatisfying(
                                CacheBulkLoadException.class,
                                e -> assertThat(e.failedKeys()).containsExactly("a-failing", "failing"));
            } else {
                assertThat(single.get()).isEqualTo("bulk-k");
                assertThat(bulk.get()).containsExactly(entry("a-k", "bulk-a"), entry("k", "bulk-k"));
            }
            assertThat(singleLoads).hasValue(0);
            assertThat(bulkLoads).hasValue(1);
        }
    }

    @Test
    @DisplayName("a key the loader did not return maps to null and is not cached, so the next call asks again")
    void absentKeysAreNotCachedByDefault() {
        Cache cache = open("memory:");
        List<Set<String>> asked = new ArrayList<>();

        Map<String, String> values = cache.getOrLoadAll(List.of("found", "gone"), String.class, keys -> {
            asked.add(Set.copyOf(keys));
            return Map.of("found", "F");
        });

        assertThat(values).containsExactly(entry("found", "F"), entry("gone", null));
        assertThat(cache.get("gone", String.class).isMiss()).isTrue();
        cache.getOrLoadAll(List.of("found", "gone"), String.class, keys -> {
            asked.add(Set.copyOf(keys));
            return Map.of();
        });
        assertThat(asked).containsExactly(Set.of("found", "gone"), Set.of("gone"));
    }

    @Test
    @DisplayName("with cacheAbsent, a key the loader did not return is cached as a null and not asked for again")
    void absentKeysCachedWhenAsked() {
        Cache cache = track(Caches.builder().uri("memory:?cacheAbsent=true").build());
        List<Set<String>> asked = new ArrayList<>();

        Map<String, String> values = cache.getOrLoadAll(List.of("found", "gone"), String.class, keys -> {
            asked.add(Set.copyOf(keys));
            return Map.of("found", "F");
        });

        assertThat(values).containsExactly(entry("found", "F"), entry("gone", null));
        assertThat(cache.get("gone", String.class).isCachedNull()).isTrue();
        assertThat(cache.getOrLoadAll(List.of("found", "gone"), String.class, keys -> {
                    asked.add(Set.copyOf(keys));
                    return Map.of();
                }))
                .containsExactly(entry("found", "F"), entry("gone", null));
        assertThat(asked).containsExactly(Set.of("found", "gone"));
    }

    @Test
    @DisplayName("a loader mapping a key to null caches a null whatever cacheAbsent says")
    void loadedNullIsCached() {
        Cache cache = open("memory:");
        Map<String, String> loaded = new HashMap<>();
        loaded.put("n", null);
        assertThat(cache.getOrLoadAll(List.of("n"), String.class, keys -> loaded))
                .containsExactly(entry("n", null));
        assertThat(cache.get("n", String.class).isCachedNull()).isTrue();
    }

    @Test
    @DisplayName("a loader failure fails only the keys it was asked for; the hits come back in the exception")
    void failureFailsOnlyTheAskedKeys() {
        Cache cache = open("memory:");
        cache.put("hit", "H");
        cache.put("cached-null", null);
        IOException boom = new IOException("database down");

        assertThatThrownBy(() -> cache.getOrLoadAll(List.of("x", "hit", "y", "cached-null"), String.class, keys -> {
                    throw boom;
                }))
                .isInstanceOfSatisfying(CacheBulkLoadException.class, e -> {
                    assertThat(e.failedKeys()).containsExactly("x", "y");
                    assertThat(e.values()).containsExactly(entry("hit", "H"), entry("cached-null", null));
                    assertThat(e.getCause()).isSameAs(boom);
                    assertThat(e.key()).isEqualTo("x");
                });
        assertThat(cache.get("x", String.class).isMiss()).isTrue();
        assertThat(cache.get("y", String.class).isMiss()).isTrue();
        // Nothing is left behind: the next call loads them.
        assertThat(cache.getOrLoadAll(List.of("x", "y"), String.class, new Recording()))
                .containsExactly(entry("x", "v-x"), entry("y", "v-y"));
    }

    @Test
    @DisplayName("a key another node holds the lock of is waited for holding no lock: the others are loaded"
            + " and released first")
    @Timeout(30)
    void waitsHoldingNothing() throws Exception {
        String space = "bulk-wait-" + UUID.randomUUID();
        CountDownLatch waiting = new CountDownLatch(1);
        Cache cache = track(Caches.builder()
                .uri("memory://" + space)
                .listener(new CacheListener() {
                    @Override
                    public void waitingForHolder(String key) {
                        waiting.countDown();
                    }
                })
                .build());
        Cache otherNode = open("memory://" + space);
        KeyLayout layout = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX);
        HeldLock held = ((DefaultCache) otherNode).lockAt(layout.loadLock("k"), Duration.ofSeconds(30));
        Recording loader = new Recording();

        Future<Map<String, String>> bulk =
                pool.submit(() -> cache.getOrLoadAll(List.of("a", "k", "b"), String.class, loader));
        waiting.await();
        // While it waits for k, the locks of a and b are free again and their values written.
        assertThat(loader.calls).containsExactly(List.of("a", "b"));
        HeldLock a = ((DefaultCache) otherNode).lockAt(layout.loadLock("a"), Duration.ofSeconds(30));
        HeldLock b = ((DefaultCache) otherNode).lockAt(layout.loadLock("b"), Duration.ofSeconds(30));
        a.release();
        b.release();
        assertThat(otherNode.get("a", String.class).value()).isEqualTo("v-a");
        otherNode.put("k", "from the other node");
        held.release();

        assertThat(bulk.get()).containsExactly(entry("a", "v-a"), entry("k", "from the other node"), entry("b", "v-b"));
        assertThat(loader.calls).hasSize(1);
    }

    @Test
    @DisplayName("a held lock released without a value: the waiting call takes it in a further round and loads it")
    @Timeout(30)
    void loadsInAFurtherRound() throws Exception {
        String space = "bulk-round-" + UUID.randomUUID();
        CountDownLatch waiting = new CountDownLatch(1);
        Cache cache = track(Caches.builder()
                .uri("memory://" + space)
                .listener(new CacheListener() {
                    @Override
                    public void waitingForHolder(String key) {
                        waiting.countDown();
                    }
                })
                .build());
        Cache otherNode = open("memory://" + space);
        HeldLock held = ((DefaultCache) otherNode)
                .lockAt(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock("k"), Duration.ofSeconds(30));
        Recording loader = new Recording();

        Future<Map<String, String>> bulk =
                pool.submit(() -> cache.getOrLoadAll(List.of("a", "k"), String.class, loader));
        waiting.await();
        held.release();

        assertThat(bulk.get()).containsExactly(entry("a", "v-a"), entry("k", "v-k"));
        assertThat(loader.calls).containsExactly(List.of("a"), List.of("k"));
    }

    @Test
    @DisplayName("under the FAIL load-timeout policy a key whose holder outlasts the timeout fails the call with"
            + " CacheLoadTimeoutException; the keys this call locked were loaded and cached before it waited")
    @Timeout(30)
    void loadTimeoutFails() {
        String space = "bulk-timeout-" + UUID.randomUUID();
        Cache cache = open("memory://" + space + "?loadTimeout=200ms&onLoadTimeout=fail");
        Cache otherNode = open("memory://" + space);
        HeldLock held = ((DefaultCache) otherNode)
                .lockAt(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock("slow"), Duration.ofSeconds(30));
        Recording loader = new Recording();

        assertThatThrownBy(() -> cache.getOrLoadAll(List.of("a", "slow"), String.class, loader))
                .isInstanceOf(dev.cachekit.CacheLoadTimeoutException.class)
                .hasMessageContaining("'slow'");
        assertThat(loader.calls).containsExactly(List.of("a"));
        assertThat(otherNode.get("a", String.class).value()).isEqualTo("v-a");
        held.release();
    }

    @Test
    @DisplayName("under the LOAD load-timeout policy a key whose holder outlasts the timeout is loaded without"
            + " its lock, in a loader call of its own")
    @Timeout(30)
    void loadTimeoutLoads() {
        String space = "bulk-timeout-load-" + UUID.randomUUID();
        Cache cache = open("memory://" + space + "?loadTimeout=200ms&onLoadTimeout=load");
        Cache otherNode = open("memory://" + space);
        HeldLock held = ((DefaultCache) otherNode)
                .lockAt(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock("slow"), Duration.ofSeconds(30));
        Recording loader = new Recording();

        assertThat(cache.getOrLoadAll(List.of("a", "slow"), String.class, loader))
                .containsExactly(entry("a", "v-a"), entry("slow", "v-slow"));
        assertThat(loader.calls).containsExactly(List.of("a"), List.of("slow"));
        held.release();
    }

    @Test
    @DisplayName("a bulk loader that asks getOrLoad for a key it is loading fails at once instead of waiting"
            + " for itself")
    @Timeout(30)
    void recursiveLoadFailsFast() {
        Cache cache = open("memory:");

        assertThatThrownBy(() -> cache.getOrLoadAll(
                        List.of("a", "b"),
                        String.class,
                        keys -> Map.of("a", cache.getOrLoad("b", String.class, () -> "x"))))
                .isInstanceOf(dev.cachekit.CacheException.class)
                .hasMessageContaining("was called by the thread that is loading that key");
        // Nothing is left behind: the keys load normally afterwards.
        assertThat(cache.getOrLoadAll(List.of("a", "b"), String.class, new Recording()))
                .containsExactly(entry("a", "v-a"), entry("b", "v-b"));
    }

    @Test
    @DisplayName("a tagged view's getOrLoadAll writes entries of its tags: flushing a tag makes them miss again")
    void taggedView() {
        Cache cache = open("memory:");
        Recording loader = new Recording();
        dev.cachekit.TaggedCache users = cache.tags("users");

        assertThat(users.getOrLoadAll(List.of("u1", "u2"), String.class, loader))
                .containsExactly(entry("u1", "v-u1"), entry("u2", "v-u2"));
        assertThat(users.getOrLoadAll(List.of("u1", "u2"), String.class, loader))
                .hasSize(2);
        assertThat(loader.calls).hasSize(1);
        users.flush();
        assertThat(users.get("u1", String.class).isMiss()).isTrue();
        users.getOrLoadAll(List.of("u1", "u2"), String.class, loader);
        assertThat(loader.calls).hasSize(2);
    }

    @Test
    @DisplayName("under the FAIL store-error policy a failing store throws StoreException and the loader is not called")
    void storeErrorFails() {
        FailingStore store = new FailingStore();
        Cache cache = track(Caches.builder()
                .store(store)
                .storeErrorPolicy(StoreErrorPolicy.FAIL)
                .build());
        store.down();
        Recording loader = new Recording();

        assertThatThrownBy(() -> cache.getOrLoadAll(List.of("a", "b"), String.class, loader))
                .isInstanceOf(StoreException.class);
        assertThat(loader.calls).isEmpty();
    }

    @Test
    @DisplayName("under the LOAD store-error policy a failing store loads every key, in one loader call")
    void storeErrorLoads() {
        FailingStore store = new FailingStore();
        Cache cache = track(Caches.builder()
                .store(store)
                .storeErrorPolicy(StoreErrorPolicy.LOAD)
                .build());
        store.down();
        Recording loader = new Recording();

        assertThat(cache.getOrLoadAll(List.of("a", "b"), String.class, loader))
                .containsExactly(entry("a", "v-a"), entry("b", "v-b"));
        assertThat(loader.calls).containsExactly(List.of("a", "b"));
    }

    @Test
    @DisplayName("the listener hears each key: reads, lock acquired, loaded and stored")
    void listenerHearsEachKey() {
        List<String> heard = new CopyOnWriteArrayList<>();
        Cache cache = track(Caches.builder()
                .uri("memory:")
                .listener(new CacheListener() {
                    @Override
                    public void read(String key, ReadResult result, Duration took) {
                        heard.add("read " + key + " " + result);
                    }

                    @Override
                    public void lockAcquired(String key) {
                        heard.add("lock " + key);
                    }

                    @Override
                    public void loaded(String key, Duration took) {
                        heard.add("loaded " + key);
                    }

                    @Override
                    public void stored(String key) {
                        heard.add("stored " + key);
                    }
                })
                .build());
        cache.put("hit", "H");
        heard.clear();

        cache.getOrLoadAll(List.of("hit", "a"), String.class, new Recording());

        assertThat(heard).containsExactly("read hit HIT", "read a MISS", "lock a", "loaded a", "stored a");
    }

    @Test
    @DisplayName("8 threads x 2 caches, random overlapping sets of 20 of 100 keys, 200 rounds: every key loaded"
            + " exactly once per round, no deadlock")
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void overlappingSetsLoadEachKeyOncePerRound() throws Exception {
        String space = "bulk-overlap-" + UUID.randomUUID();
        Cache[] pair = {open("memory://" + space), open("memory://" + space)};
        int threads = 8;
        int keyCount = 100;
        int rounds = 200;
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                AtomicIntegerArray loads = new AtomicIntegerArray(keyCount);
                Set<Integer> asked = ConcurrentHashMap.newKeySet();
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Map<String, Integer>>> results = new ArrayList<>();
                List<List<String>> sets = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    List<Integer> numbers = new ArrayList<>();
                    for (int i = 0; i < keyCount; i++) {
                        numbers.add(i);
                    }
                    Collections.shuffle(numbers, ThreadLocalRandom.current());
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        keys.add("key" + numbers.get(i));
                        asked.add(numbers.get(i));
                    }
                    sets.add(keys);
                    Cache cache = pair[t % 2];
                    int thisRound = round;
                    results.add(workers.submit(() -> {
                        start.await();
                        return cache.getOrLoadAll(keys, Integer.class, wanted -> {
                            Map<String, Integer> values = new HashMap<>();
                            for (String key : wanted) {
                                loads.incrementAndGet(Integer.parseInt(key.substring(3)));
                                values.put(key, thisRound);
                            }
                            return values;
                        });
                    }));
                }
                for (int t = 0; t < threads; t++) {
                    Map<String, Integer> values = results.get(t).get();
                    assertThat(values.keySet()).containsExactlyElementsOf(sets.get(t));
                    assertThat(new LinkedHashSet<>(values.values())).containsExactly(round);
                }
                Map<Integer, Integer> wrong = new TreeMap<>();
                for (int i = 0; i < keyCount; i++) {
                    int expected = asked.contains(i) ? 1 : 0;
                    if (loads.get(i) != expected) {
                        wrong.put(i, loads.get(i));
                    }
                }
                assertThat(wrong)
                        .as("keys loaded other than once in round %d", round)
                        .isEmpty();
                for (int i = 0; i < keyCount; i++) {
                    pair[0].remove("key" + i);
                }
            }
        } finally {
            workers.shutdownNow();
        }
    }

    /** A cache over {@code space} whose store and locker calls are counted by method name. */
    private Cache countedCache(
            MemorySpace space, Map<String, AtomicInteger> storeCalls, Map<String, AtomicInteger> lockCalls) {
        Store store = counting(Store.class, new MemoryStore(space), storeCalls);
        Locker locker = counting(Locker.class, new StoreLocker(store, space.signal()), lockCalls);
        return track(Caches.builder()
                .backend(Backend.builder(store).locker(locker).build())
                .build());
    }
}
