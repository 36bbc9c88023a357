package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.cachekit.Cache;
import dev.cachekit.CacheLoadException;
import dev.cachekit.CacheLoadTimeoutException;
import dev.cachekit.CorruptEntryException;
import dev.cachekit.HeldLock;
import dev.cachekit.LoadTimeoutPolicy;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of the whole {@link Cache} over a backend: entries, cached nulls, TTLs, sliding
 * expiry, loading a cold key once across clients, the load-timeout policies, bad input, and the
 * stampede scenario the library was built for.
 */
public abstract class CacheContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected CacheContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    private static final Duration LONG = Duration.ofMinutes(10);

    private String entryKey(String key) {
        return KeyLayout.of(prefix()).entry(key);
    }

    private String loadLockKey(String key) {
        return KeyLayout.of(prefix()).loadLock(key);
    }

    @Nested
    class Entries {

        @Test
        @DisplayName("a value put is read back, a key never put is a miss, and remove makes it a miss")
        void putGetRemove() {
            Cache cache = cache(open());
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
            cache.put("k", "V");
            assertThat(cache.get("k", String.class)).isEqualTo(Lookup.hit("V"));
            cache.remove("k");
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
        }

        @Test
        @DisplayName("put overwrites, and strings, numbers and lists come back equal")
        void overwriteAndTypes() {
            Cache cache = cache(open());
            cache.put("s", "first");
            cache.put("s", "second");
            cache.put("n", 42);
            cache.put("list", new ArrayList<>(List.of("a", "b")));
            assertThat(cache.get("s", String.class).value()).isEqualTo("second");
            assertThat(cache.get("n", Integer.class).value()).isEqualTo(42);
            assertThat((Object) cache.get("list", List.class).value()).isEqualTo(List.of("a", "b"));
        }

        @Test
        @DisplayName("an entry put by one client is read, and removed, by the other")
        void twoClients() {
            Cache first = cache(open());
            Cache second = cache(openSecond());
            first.tags("t").put("k", "V");
            assertThat(second.tags("t").get("k", String.class).value()).isEqualTo("V");
            second.remove("k");
            assertThat(first.tags("t").get("k", String.class).isMiss()).isTrue();
        }

        @Test
        @DisplayName("bytes that are not a cache entry give a CorruptEntryException naming the key, never a value")
        void corruptBytes() {
            Backend backend = open();
            Cache cache = cache(backend);
            backend.store().set(entryKey("k"), "not an entry at all".getBytes(StandardCharsets.UTF_8), Store.NO_EXPIRY);
            assertThatThrownBy(() -> cache.get("k", String.class))
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining(entryKey("k"));
            cache.put("k", "V");
            byte[] raw = backendFixture().rawGet(entryKey("k"));
            assertThat(raw).isNotNull();
            backend.store().set(entryKey("k"), Arrays.copyOf(raw, raw.length - 3), Store.NO_EXPIRY);
            assertThatThrownBy(() -> cache.get("k", String.class))
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining(entryKey("k"));
        }

        @Test
        @DisplayName("a named lock is exclusive across clients, and closing it lets the other client take it")
        void namedLock() throws InterruptedException {
            Cache first = cache(open());
            Cache second = cache(openSecond());
            first.put("job", "an entry named like the lock");
            try (HeldLock held = first.lock("job").tryAcquire().orElseThrow()) {
                assertThat(second.lock("job").tryAcquire()).isEmpty();
                assertThat(held.renew()).isTrue();
            }
            Optional<HeldLock> next = second.lock("job").tryAcquire(Duration.ofSeconds(10));
            assertThat(next).isPresent();
            next.get().close();
            assertThat(first.get("job", String.class).value()).isEqualTo("an entry named like the lock");
        }
    }

    @Nested
    class Nulls {

        @Test
        @DisplayName("a cached null is a hit holding null, not a miss, in tagged views too")
        void cachedNullIsAHit() {
            Cache cache = cache(open());
            cache.put("none", null);
            cache.tags("t").put("tagged-none", null);
            assertThat(cache.get("none", String.class).isCachedNull()).isTrue();
            assertThat(cache.tags("t").get("tagged-none", String.class).isCachedNull())
                    .isTrue();
            assertThat(cache.get("absent", String.class).isCachedNull()).isFalse();
        }

        @Test
        @DisplayName("a cached null lives for the null TTL while a value lives for the default TTL")
        void nullTtl() {
            Backend backend = open();
            StoreCapabilities caps = backend.store().capabilities();
            Duration nullTtl = step(caps).multipliedBy(2);
            Cache cache = track(
                    cacheBuilder(backend).nullTtl(nullTtl).defaultTtl(LONG).build());
            cache.put("none", null);
            cache.put("value", "V");
            waitPastTtl(nullTtl, caps);
            assertThat(cache.get("none", String.class).isMiss()).isTrue();
            assertThat(cache.get("value", String.class).value()).isEqualTo("V");
        }

        @Test
        @DisplayName("getOrLoad returns a cached null without calling the loader")
        void cachedNullIsNotReloaded() {
            Cache cache = cache(open());
            cache.put("none", null);
            AtomicInteger loads = new AtomicInteger();
            String value = cache.getOrLoad("none", String.class, () -> {
                loads.incrementAndGet();
                return "loaded";
            });
            assertThat(value).isNull();
            assertThat(loads).hasValue(0);
        }

        @Test
        @DisplayName("a loader that returns null caches a null, and the next getOrLoad does not call a loader")
        void loadedNullIsCached() {
            Cache cache = cache(open());
            AtomicInteger loads = new AtomicInteger();
            assertThat(cache.getOrLoad("none", String.class, () -> {
                        loads.incrementAndGet();
                        return null;
                    }))
                    .isNull();
            assertThat(cache.getOrLoad("none", String.class, () -> {
                        loads.incrementAndGet();
                        return "loaded";
                    }))
                    .isNull();
            assertThat(loads).hasValue(1);
            assertThat(cache.get("none", String.class).isCachedNull()).isTrue();
        }
    }

    @Nested
    class ExpiryAndTouch {

        @Test
        @DisplayName("an entry expires after its TTL, while entries put forever or with the default TTL stay")
        void ttl() {
            Backend backend = open();
            StoreCapabilities caps = backend.store().capabilities();
            Duration ttl = step(caps).multipliedBy(2);
            Cache cache = track(cacheBuilder(backend).defaultTtl(LONG).build());
            cache.put("short", "S", ttl);
            cache.tags("t").put("short-tagged", "S", ttl);
            cache.put("forever", "F", Cache.FOREVER);
            cache.put("default", "D");
            assertThat(cache.get("short", String.class).isHit()).isTrue();
            waitPastTtl(ttl, caps);
            assertThat(cache.get("short", String.class).isMiss()).isTrue();
            assertThat(cache.tags("t").get("short-tagged", String.class).isMiss())
                    .isTrue();
            assertThat(cache.get("forever", String.class).value()).isEqualTo("F");
            assertThat(cache.get("default", String.class).value()).isEqualTo("D");
        }

        @Test
        @DisplayName("a read within the touch window extends the entry by its TTL; a read outside it does not")
        void touch() {
            Backend backend = open();
            StoreCapabilities caps = backend.store().capabilities();
            Duration step = step(caps);
            Duration ttl = step.multipliedBy(8);
            Cache cache = track(cacheBuilder(backend)
                    .touchWindow(step.multipliedBy(6))
                    .touchExecutor(Runnable::run)
                    .build());
            cache.put("touched", "T", ttl);
            cache.put("untouched", "U", ttl);
            assertThat(cache.get("untouched", String.class).value())
                    .as("read at once, outside the window")
                    .isEqualTo("U");
            sleep(step.multipliedBy(4));
            assertThat(cache.get("touched", String.class).value())
                    .as("read within the window")
                    .isEqualTo("T");
            sleep(ttl.minus(step.multipliedBy(4)));
            waitPastTtl(Duration.ZERO, caps);
            assertThat(cache.get("untouched", String.class).isMiss()).isTrue();
            assertThat(cache.get("touched", String.class).value())
                    .as("touched entry after its first TTL")
                    .isEqualTo("T");
        }

        @Test
        @DisplayName("a zero or negative TTL is refused, pointing to remove()")
        void badTtl() {
            Cache cache = cache(open());
            assertThatThrownBy(() -> cache.put("k", "V", Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("remove()");
            assertThatThrownBy(() -> cache.put("k", "V", Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("remove()");
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
        }
    }

    @Nested
    class Loading {

        @Test
        @DisplayName(
                "100 threads on two clients call getOrLoad on one cold key: the loader runs once and all get its value")
        void coldKeyLoadsOnce() throws Exception {
            Cache first = cache(open());
            Cache second = cache(openSecond());
            AtomicInteger loads = new AtomicInteger();
            List<String> values = runConcurrently(
                    100,
                    t -> () -> (t % 2 == 0 ? first : second).getOrLoad("cold", String.class, () -> {
                        loads.incrementAndGet();
                        Thread.sleep(200);
                        return "loaded";
                    }));
            assertThat(loads).hasValue(1);
            assertThat(values).hasSize(100).containsOnly("loaded");
        }

        @Test
        @DisplayName("a hit makes one read and no lock traffic, tagged or not")
        void hitTakesNoLock() {
            Counted counted = openCounted();
            CountingLocker locker = new CountingLocker(counted.backend().locker());
            Backend backend = Backend.builder(counted.store())
                    .tagger(counted.backend().tagger())
                    .locker(locker)
                    .closeWith(counted.backend())
                    .build();
            Cache cache = cache(backend);
            cache.put("k", "V");
            cache.tags("t").put("k2", "V2");
            counted.store().reset();
            AtomicInteger loads = new AtomicInteger();
            assertThat(cache.getOrLoad("k", String.class, () -> "L" + loads.incrementAndGet()))
                    .isEqualTo("V");
            assertThat(calls(counted.store())).containsExactly(entry(CountingStore.Operation.GET, 1L));
            counted.store().reset();
            assertThat(cache.tags("t").getOrLoad("k2", String.class, () -> "L" + loads.incrementAndGet()))
                    .isEqualTo("V2");
            assertThat(calls(counted.store())).containsExactly(entry(CountingStore.Operation.GET_ALL, 1L));
            assertThat(locker.calls()).isZero();
            assertThat(loads).hasValue(0);
        }

        @Test
        @DisplayName(
                "a throwing loader caches nothing, its failure reaches every waiting caller, and the next call loads")
        void throwingLoaderCachesNothing() throws Exception {
            Cache first = cache(open());
            AtomicInteger loads = new AtomicInteger();
            List<Throwable> failures = runConcurrently(10, t -> () -> {
                try {
                    first.getOrLoad("k", String.class, () -> {
                        loads.incrementAndGet();
                        Thread.sleep(500);
                        throw new IOException("database down");
                    });
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            assertThat(loads).hasValue(1);
            assertThat(failures)
                    .hasSize(10)
                    .allSatisfy(failure -> assertThat(failure)
                            .isInstanceOf(CacheLoadException.class)
                            .hasMessageContaining("'k'")
                            .hasRootCauseInstanceOf(IOException.class));
            assertThat(first.get("k", String.class).isMiss()).isTrue();
            Cache second = cache(openSecond());
            assertThat(second.getOrLoad("k", String.class, () -> "recovered")).isEqualTo("recovered");
            assertThat(first.get("k", String.class).value()).isEqualTo("recovered");
        }

        @Test
        @DisplayName("a waiter returns the value another client loaded, without calling its own loader")
        void waiterGetsTheHoldersValue() throws Exception {
            Backend holderBackend = openSecond();
            Cache holder = cache(holderBackend);
            Cache waiter = cache(open());
            LockLease lock =
                    holderBackend.locker().tryAcquire(loadLockKey("k"), LONG).orElseThrow();
            AtomicInteger loads = new AtomicInteger();
            CompletableFuture<String> waiting =
                    CompletableFuture.supplyAsync(() -> waiter.getOrLoad("k", String.class, () -> {
                        loads.incrementAndGet();
                        return "loaded by the waiter";
                    }));
            sleep(Duration.ofMillis(300));
            assertThat(waiting).isNotDone();
            holder.put("k", "loaded by the holder");
            holderBackend.locker().release(lock);
            assertThat(waiting.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("loaded by the holder");
            assertThat(loads).hasValue(0);
        }

        @Test
        @DisplayName("when the load lock's holder dies, its lease ends and a waiter loads the value once")
        void deadHolder() {
            Backend dying = track(backendFixture().openSecond());
            StoreCapabilities caps = dying.store().capabilities();
            Duration lease = step(caps).multipliedBy(2);
            dying.locker().tryAcquire(loadLockKey("k"), lease).orElseThrow();
            dying.close();
            Cache cache = track(
                    cacheBuilder(open()).loadTimeout(lease.plusSeconds(10)).build());
            AtomicInteger loads = new AtomicInteger();
            assertThat(cache.getOrLoad("k", String.class, () -> "L" + loads.incrementAndGet()))
                    .isEqualTo("L1");
            assertThat(loads).hasValue(1);
        }

        @Test
        @DisplayName("with the FAIL policy, a caller whose load timeout passes while another client holds the lock"
                + " gets a CacheLoadTimeoutException naming the key, and the loader is never called")
        void timeoutPolicyFail() {
            Backend holder = openSecond();
            LockLease lock = holder.locker().tryAcquire(loadLockKey("k"), LONG).orElseThrow();
            Cache cache = track(cacheBuilder(open())
                    .loadTimeout(Duration.ofMillis(300))
                    .loadTimeoutPolicy(LoadTimeoutPolicy.FAIL)
                    .build());
            AtomicInteger loads = new AtomicInteger();
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> "L" + loads.incrementAndGet()))
                    .isInstanceOf(CacheLoadTimeoutException.class)
                    .hasMessageContaining("'k'");
            assertThat(loads).hasValue(0);
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
            holder.locker().release(lock);
        }

        @Test
        @DisplayName("with the LOAD_ANYWAY policy, a caller whose load timeout passes loads without the lock"
                + " and caches the value")
        void timeoutPolicyLoadAnyway() {
            Backend holder = openSecond();
            LockLease lock = holder.locker().tryAcquire(loadLockKey("k"), LONG).orElseThrow();
            Cache cache = track(cacheBuilder(open())
                    .loadTimeout(Duration.ofMillis(300))
                    .loadTimeoutPolicy(LoadTimeoutPolicy.LOAD_ANYWAY)
                    .build());
            AtomicInteger loads = new AtomicInteger();
            assertThat(cache.getOrLoad("k", String.class, () -> "L" + loads.incrementAndGet()))
                    .isEqualTo("L1");
            assertThat(loads).hasValue(1);
            assertThat(cache.get("k", String.class).value()).isEqualTo("L1");
            holder.locker().release(lock);
        }

        @Test
        @DisplayName("a value loaded under tags is cached under them, and a flush makes the next getOrLoad load again")
        void loadingWithTags() {
            Cache cache = cache(open());
            AtomicInteger loads = new AtomicInteger();
            TaggedCache users = cache.tags("users", "user:42");
            assertThat(users.getOrLoad("user:42", String.class, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");
            assertThat(users.getOrLoad("user:42", String.class, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");
            cache.tags("user:42").flush();
            assertThat(users.getOrLoad("user:42", String.class, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v2");
            assertThat(loads).hasValue(2);
        }
    }

    @Nested
    class TagsAreMetadata {

        @Test
        @DisplayName("an entry written under tags is read through the untagged view")
        void untaggedReadOfTaggedEntry() {
            Cache cache = cache(open());
            cache.tags("users", "user:42").put("k", "V");
            assertThat(cache.get("k", String.class)).isEqualTo(Lookup.hit("V"));
        }

        @Test
        @DisplayName("an entry written under tags is read through a view naming a subset of them")
        void subsetView() {
            Cache cache = cache(open());
            cache.tags("users", "user:42").put("k", "V");
            assertThat(cache.tags("users").get("k", String.class)).isEqualTo(Lookup.hit("V"));
            assertThat(cache.tags("user:42").get("k", String.class)).isEqualTo(Lookup.hit("V"));
        }

        @Test
        @DisplayName("an entry written under tags is read through a view naming more tags than it carries")
        void supersetView() {
            Cache cache = cache(open());
            cache.tags("users").put("k", "V");
            assertThat(cache.tags("users", "orders").get("k", String.class)).isEqualTo(Lookup.hit("V"));
            cache.put("plain", "P");
            assertThat(cache.tags("users").get("plain", String.class)).isEqualTo(Lookup.hit("P"));
        }

        @Test
        @DisplayName("flushing one recorded tag makes the entry a miss through every view, on the other client too")
        void flushOfRecordedTagIsAMissEverywhere() {
            Cache cache = cache(open());
            Cache other = cache(openSecond());
            cache.tags("users", "user:42").put("k", "V");
            cache.tags("orders").flush();
            assertThat(cache.get("k", String.class).value())
                    .as("a flush of a tag the entry does not carry")
                    .isEqualTo("V");
            other.tags("user:42").flush();
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
            assertThat(cache.tags("users").get("k", String.class).isMiss()).isTrue();
            assertThat(cache.tags("user:42").get("k", String.class).isMiss()).isTrue();
            assertThat(cache.tags("users", "user:42").get("k", String.class).isMiss())
                    .isTrue();
            assertThat(cache.tags("users", "user:42", "orders")
                            .get("k", String.class)
                            .isMiss())
                    .isTrue();
            assertThat(other.get("k", String.class).isMiss()).isTrue();
        }

        @Test
        @DisplayName("an untagged getOrLoad returns a tagged entry and never overwrites it")
        void untaggedGetOrLoadKeepsTaggedEntry() {
            Backend backend = open();
            Cache cache = cache(backend);
            cache.tags("users").put("k", "tagged");
            byte[] before = backendFixture().rawGet(entryKey("k"));
            AtomicInteger loads = new AtomicInteger();
            assertThat(cache.getOrLoad("k", String.class, () -> "L" + loads.incrementAndGet()))
                    .isEqualTo("tagged");
            assertThat(loads).hasValue(0);
            assertThat(backendFixture().rawGet(entryKey("k"))).isEqualTo(before);
            cache.tags("users").flush();
            assertThat(cache.get("k", String.class).isMiss())
                    .as("the entry still carries its tag")
                    .isTrue();
        }

        @Test
        @DisplayName("a write through any view replaces the entry and the tags it carries")
        void writeReplacesTags() {
            Cache cache = cache(open());
            cache.tags("users").put("k", "tagged");
            cache.put("k", "untagged");
            cache.tags("users").flush();
            assertThat(cache.get("k", String.class).value()).isEqualTo("untagged");
            cache.tags("orders").put("k", "orders");
            cache.tags("users").flush();
            assertThat(cache.tags("users").get("k", String.class).value()).isEqualTo("orders");
            cache.tags("orders").flush();
            assertThat(cache.tags("users").get("k", String.class).isMiss()).isTrue();
        }

        @Test
        @DisplayName("a read through the entry's own tags is one round trip; through any other view at most two")
        void roundTrips() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            cache.tags("a", "b").put("k", "V");
            List<TaggedCache> others = List.of(cache.tags("a"), cache.tags("b"), cache.tags("a", "b", "c"));
            counted.store().reset();
            assertThat(cache.tags("b", "a").get("k", String.class).value()).isEqualTo("V");
            assertThat(counted.store().total())
                    .as("store calls of an exact-tags read")
                    .isEqualTo(1);
            counted.store().reset();
            assertThat(cache.get("k", String.class).value()).isEqualTo("V");
            assertThat(counted.store().total())
                    .as("store calls of an untagged read")
                    .isEqualTo(2);
            for (TaggedCache view : others) {
                counted.store().reset();
                assertThat(view.get("k", String.class).value()).isEqualTo("V");
                assertThat(counted.store().total())
                        .as("store calls of a read through " + view.tags())
                        .isLessThanOrEqualTo(2);
            }
        }
    }

    @Nested
    class Stampede {

        @Test
        @DisplayName(
                "10 workers on two clients ask for a tagged key while the database takes 1 s: one load, ten values")
        void originalScenario() throws Exception {
            Cache first = cache(open());
            Cache second = cache(openSecond());
            AtomicInteger databaseCalls = new AtomicInteger();
            List<String> values = runConcurrently(
                    10,
                    worker -> () -> (worker % 2 == 0 ? first : second)
                            .tags("users", "user:42")
                            .getOrLoad("user:42", String.class, () -> {
                                databaseCalls.incrementAndGet();
                                Thread.sleep(1_000);
                                return "user 42 from the database";
                            }));
            assertThat(databaseCalls).hasValue(1);
            assertThat(values).hasSize(10).containsOnly("user 42 from the database");
        }
    }

    @Nested
    class BadInput {

        @Test
        @DisplayName("an empty key is refused with IllegalArgumentException, a null key with NullPointerException")
        void emptyAndNullKeys() {
            Cache cache = cache(open());
            assertThatThrownBy(() -> cache.put("", "V"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key");
            assertThatThrownBy(() -> cache.get(null, String.class)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> cache.tags("")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName(
                "the longest key the store accepts works, and one byte more is refused naming the key and the store")
        void keyOneByteTooLong() {
            Backend backend = open();
            StoreCapabilities caps = backend.store().capabilities();
            assumeCapability(
                    caps.maxKeyBytes() != StoreCapabilities.UNLIMITED,
                    "the store takes keys of any length (maxKeyBytes is UNLIMITED), so no key is too long");
            Cache cache = cache(backend);
            int longest = longestUserKey(caps);
            String fits = "k".repeat(longest);
            cache.put(fits, "V");
            assertThat(cache.get(fits, String.class).value()).isEqualTo("V");
            assertThat(cache.getOrLoad(fits, String.class, () -> "unused")).isEqualTo("V");
            String tooLong = "k".repeat(longest + 1);
            assertThatThrownBy(() -> cache.put(tooLong, "V"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("kkkkkkkk")
                    .hasMessageContaining(backend.store().describe())
                    .hasMessageContaining("too long");
            assertThatThrownBy(() -> cache.get(tooLong, String.class)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("a key of multi-byte characters is measured in UTF-8 bytes: the longest that fits works,"
                + " one character more is refused on get and put")
        void multiByteKeyMeasuredInBytes() {
            Backend backend = open();
            StoreCapabilities caps = backend.store().capabilities();
            assumeCapability(
                    caps.maxKeyBytes() != StoreCapabilities.UNLIMITED,
                    "the store takes keys of any length (maxKeyBytes is UNLIMITED), so no key is too long");
            Cache cache = cache(backend);
            // 2 UTF-8 bytes per char: fewer chars than the limit, more bytes than it.
            int longest = longestUserKey(caps) / 2;
            String fits = "\u00e9".repeat(longest);
            cache.put(fits, "V");
            assertThat(cache.get(fits, String.class).value()).isEqualTo("V");
            String tooLong = "\u00e9".repeat(longest + 1);
            assertThatThrownBy(() -> cache.get(tooLong, String.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(backend.store().describe())
                    .hasMessageContaining("too long");
            assertThatThrownBy(() -> cache.put(tooLong, "V")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("a value larger than the store accepts is refused naming the key and the store,"
                + " and the entry keeps its old value")
        void valueTooLarge() {
            Backend backend = open();
            StoreCapabilities caps = backend.store().capabilities();
            assumeCapability(
                    caps.maxValueBytes() != StoreCapabilities.UNLIMITED,
                    "the store takes values of any size (maxValueBytes is UNLIMITED), so no value is too large");
            assumeCapability(
                    caps.maxValueBytes() <= LARGEST_VALUE_WRITTEN,
                    "the store's value limit (" + caps.maxValueBytes() + " bytes) is beyond the "
                            + LARGEST_VALUE_WRITTEN + " bytes the kit writes");
            Cache cache = cache(backend);
            cache.put("k", "old");
            String huge = "x".repeat(caps.maxValueBytes());
            assertThatThrownBy(() -> cache.put("k", huge))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("k")
                    .hasMessageContaining(backend.store().describe())
                    .hasMessageContaining("nothing was written");
            assertThat(cache.get("k", String.class).value()).isEqualTo("old");
            String fits = "x".repeat(caps.maxValueBytes() / 2);
            cache.put("k", fits);
            assertThat(cache.get("k", String.class).value()).isEqualTo(fits);
        }

        /** The longest key whose entry key, where {@link KeyLayout#entry} puts it, fits the store. */
        private int longestUserKey(StoreCapabilities caps) {
            return caps.maxKeyBytes() - KeyLayout.of(prefix()).storeKeyBytes("");
        }
    }
}
