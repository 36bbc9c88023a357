package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.cachekit.Cache;
import dev.cachekit.CacheBulkLoadException;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code getOrLoadAll} over a backend, and of the SPI calls it stands on ({@link
 * Store#setIfAbsentAll}, {@link Locker#tryAcquireAll}): the bulk loader is called once with the
 * missing keys only, two clients loading overlapping key sets load each key once, absent keys are
 * cached only when asked, and a loader failure fails only the keys it was asked for.
 */
public abstract class BulkLoadContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected BulkLoadContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    private static final Duration LEASE = Duration.ofSeconds(30);

    /** A bulk loader answering {@code v-key} for each key, recording each call's keys. */
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

    @Nested
    class Locks {

        @Test
        @DisplayName("setIfAbsentAll writes the absent keys only, and answers per key in the order given")
        void setIfAbsentAllIsPositional() {
            Store store = open().store();
            store.set(key("present"), bytes("old"), Store.NO_EXPIRY);
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put(key("a"), bytes("A"));
            entries.put(key("present"), bytes("new"));
            entries.put(key("b"), bytes("B"));

            assertThat(store.setIfAbsentAll(entries, LEASE.toMillis())).containsExactly(true, false, true);

            assertThat(store.get(key("a"))).isEqualTo(bytes("A"));
            assertThat(store.get(key("present"))).isEqualTo(bytes("old"));
            assertThat(store.get(key("b"))).isEqualTo(bytes("B"));
            assertThat(store.setIfAbsentAll(entries, LEASE.toMillis())).containsExactly(false, false, false);
        }

        @Test
        @DisplayName("tryAcquireAll takes the free locks only, answers per key in order, and releaseAll releases"
                + " them once")
        void tryAcquireAllIsExclusive() {
            Locker first = open().locker();
            Locker second = openSecond().locker();
            LockLease held = second.tryAcquire(key("held"), LEASE).orElseThrow();

            List<Optional<LockLease>> leases = first.tryAcquireAll(List.of(key("a"), key("held"), key("b")), LEASE);

            assertThat(leases).hasSize(3);
            assertThat(leases.get(0))
                    .hasValueSatisfying(lease -> assertThat(lease.key()).isEqualTo(key("a")));
            assertThat(leases.get(1)).isEmpty();
            assertThat(leases.get(2))
                    .hasValueSatisfying(lease -> assertThat(lease.key()).isEqualTo(key("b")));
            // Held by `first` now: the other client gets none of them.
            assertThat(second.tryAcquireAll(List.of(key("a"), key("b")), LEASE))
                    .containsExactly(Optional.empty(), Optional.empty());
            List<LockLease> mine =
                    List.of(leases.get(0).orElseThrow(), leases.get(2).orElseThrow());
            assertThat(first.releaseAll(mine)).containsExactly(true, true);
            // Released already: a second release of the same leases releases nothing.
            assertThat(first.releaseAll(mine)).containsExactly(false, false);
            assertThat(second.release(held)).isTrue();
            List<Optional<LockLease>> again = second.tryAcquireAll(List.of(key("a"), key("held"), key("b")), LEASE);
            assertThat(again).allMatch(Optional::isPresent);
            again.forEach(lease -> second.release(lease.orElseThrow()));
        }
    }

    @Nested
    class Loading {

        @Test
        @DisplayName("the bulk loader is called once, with only the missing keys, and its values are cached")
        void loaderOnceWithMissingKeysOnly() {
            Cache cache = cache(open());
            cache.put("hit", "H");
            cache.put("cached-null", null);
            Recording loader = new Recording();

            Map<String, String> values =
                    cache.getOrLoadAll(List.of("a", "hit", "b", "cached-null", "a"), String.class, loader);

            assertThat(values)
                    .containsExactly(
                            entry("a", "v-a"), entry("hit", "H"), entry("b", "v-b"), entry("cached-null", null));
            assertThat(loader.calls).containsExactly(List.of("a", "b"));
            Cache other = cache(openSecond());
            assertThat(other.get("b", String.class).value()).isEqualTo("v-b");
            assertThat(other.getOrLoadAll(List.of("a", "b", "hit"), String.class, loader))
                    .containsExactly(entry("a", "v-a"), entry("b", "v-b"), entry("hit", "H"));
            assertThat(loader.calls).hasSize(1);
        }

        @Test
        @DisplayName("50 cold keys: one loader call, one tryAcquireAll and one releaseAll for all their locks")
        void fiftyColdKeysLockInOneCall() {
            Backend opened = backendFixture().open();
            Map<String, AtomicInteger> lockCalls = new ConcurrentHashMap<>();
            Locker counted = new Counting(opened.locker(), lockCalls);
            Cache cache = cache(track(Backend.builder(opened.store())
                    .tagger(opened.tagger())
                    .locker(counted)
                    .closeWith(opened)
                    .build()));
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                keys.add("user:" + i);
            }
            Recording loader = new Recording();

            assertThat(cache.getOrLoadAll(keys, String.class, loader)).hasSize(50);

            assertThat(loader.calls).containsExactly(keys);
            assertThat(lockCalls.getOrDefault("tryAcquireAll", new AtomicInteger()))
                    .hasValue(1);
            assertThat(lockCalls.getOrDefault("tryAcquire", new AtomicInteger()))
                    .hasValue(0);
            assertThat(lockCalls.getOrDefault("releaseAll", new AtomicInteger()))
                    .hasValue(1);
            assertThat(lockCalls.getOrDefault("release", new AtomicInteger())).hasValue(0);
        }

        @Test
        @DisplayName("two clients x 4 threads loading random overlapping key sets load every key exactly once"
                + " per round")
        void overlappingSetsAcrossClientsLoadEachKeyOnce() throws Exception {
            Cache[] pair = {cache(open()), cache(openSecond())};
            int keyCount = 40;
            for (int round = 0; round < 20; round++) {
                AtomicIntegerArray loads = new AtomicIntegerArray(keyCount);
                Set<Integer> asked = ConcurrentHashMap.newKeySet();
                List<List<String>> sets = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    List<Integer> numbers = new ArrayList<>();
                    for (int i = 0; i < keyCount; i++) {
                        numbers.add(i);
                    }
                    Collections.shuffle(numbers, ThreadLocalRandom.current());
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        keys.add("key" + numbers.get(i));
                        asked.add(numbers.get(i));
                    }
                    sets.add(keys);
                }
                int thisRound = round;
                List<Map<String, Integer>> results = runConcurrently(
                        8,
                        t -> () -> pair[t % 2].getOrLoadAll(sets.get(t), Integer.class, wanted -> {
                            Map<String, Integer> values = new HashMap<>();
                            for (String key : wanted) {
                                loads.incrementAndGet(Integer.parseInt(key.substring(3)));
                                values.put(key, thisRound);
                            }
                            return values;
                        }));
                for (int t = 0; t < 8; t++) {
                    assertThat(results.get(t).keySet()).containsExactlyElementsOf(sets.get(t));
                    assertThat(results.get(t).values()).containsOnly(round);
                }
                Map<Integer, Integer> wrong = new TreeMap<>();
                for (int i = 0; i < keyCount; i++) {
                    if (loads.get(i) != (asked.contains(i) ? 1 : 0)) {
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
        }

        @Test
        @DisplayName("a key the loader did not return maps to null and is cached as a null only with cacheAbsent")
        void absentKeysCachedOnlyWhenAsked() {
            Backend backend = open();
            Cache plain = cache(backend);
            Cache absent = track(cacheBuilder(openSecond()).cacheAbsent(true).build());

            assertThat(plain.getOrLoadAll(List.of("found", "gone"), String.class, keys -> Map.of("found", "F")))
                    .containsExactly(entry("found", "F"), entry("gone", null));
            assertThat(plain.get("gone", String.class).isMiss()).isTrue();

            assertThat(absent.getOrLoadAll(List.of("found", "gone"), String.class, keys -> Map.of()))
                    .containsExactly(entry("found", "F"), entry("gone", null));
            assertThat(plain.get("gone", String.class).isCachedNull()).isTrue();
        }

        @Test
        @DisplayName("a loader failure fails only the keys it was asked for, carries the hits, and caches nothing")
        void failureFailsOnlyAskedKeys() {
            Cache cache = cache(open());
            cache.put("hit", "H");
            IOException boom = new IOException("database down");

            assertThatThrownBy(() -> cache.getOrLoadAll(List.of("x", "hit", "y"), String.class, keys -> {
                        throw boom;
                    }))
                    .isInstanceOfSatisfying(CacheBulkLoadException.class, e -> {
                        assertThat(e.failedKeys()).containsExactly("x", "y");
                        assertThat(e.values()).containsExactly(entry("hit", "H"));
                        assertThat(e.getCause()).isSameAs(boom);
                    });
            assertThat(cache.get("x", String.class).isMiss()).isTrue();
            Recording loader = new Recording();
            assertThat(cache.getOrLoadAll(List.of("x", "y"), String.class, loader))
                    .containsExactly(entry("x", "v-x"), entry("y", "v-y"));
            assertThat(loader.calls).containsExactly(List.of("x", "y"));
        }
    }

    /** Counts a locker's calls by method, forwarding each (tryAcquireAll too, so the backend's own is used). */
    private static final class Counting implements Locker {
        private final Locker delegate;
        private final Map<String, AtomicInteger> calls;

        Counting(Locker delegate, Map<String, AtomicInteger> calls) {
            this.delegate = delegate;
            this.calls = calls;
        }

        private void count(String method) {
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public Optional<LockLease> tryAcquire(String key, Duration lease) {
            count("tryAcquire");
            return delegate.tryAcquire(key, lease);
        }

        @Override
        public List<Optional<LockLease>> tryAcquireAll(List<String> keys, Duration lease) {
            count("tryAcquireAll");
            return delegate.tryAcquireAll(keys, lease);
        }

        @Override
        public Optional<LockLease> tryAcquireFenced(String key, String fenceKey, Duration lease) {
            count("tryAcquireFenced");
            return delegate.tryAcquireFenced(key, fenceKey, lease);
        }

        @Override
        public boolean release(LockLease lease) {
            count("release");
            return delegate.release(lease);
        }

        @Override
        public List<Boolean> releaseAll(List<LockLease> leases) {
            count("releaseAll");
            return delegate.releaseAll(leases);
        }

        @Override
        public void abandon(LockLease lease, Duration duration) {
            count("abandon");
            delegate.abandon(lease, duration);
        }

        @Override
        public boolean renew(LockLease lease, Duration extension) {
            count("renew");
            return delegate.renew(lease, extension);
        }

        @Override
        public boolean signalsRelease() {
            return delegate.signalsRelease();
        }

        @Override
        public void awaitRelease(String key, Duration maxWait) throws InterruptedException {
            count("awaitRelease");
            delegate.awaitRelease(key, maxWait);
        }
    }
}
