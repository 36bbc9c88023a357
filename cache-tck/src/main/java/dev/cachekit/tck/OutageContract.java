package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.StoreErrorPolicy;
import dev.cachekit.StoreException;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of a backend whose server dies under open caches and comes back: while it is down,
 * {@code getOrLoad} under {@code onStoreError=load} serves the loader's value, loading each key once
 * in this JVM and reporting every store error to the listener; under {@code onStoreError=fail} it
 * throws a {@link StoreException} naming the server and never calls the loader; every other cache
 * and store call throws a {@link StoreException} naming the server (never a client's own exception,
 * never a hang); once the server is back, the same caches cache again. Runs only against a fixture
 * that offers {@link BackendFixture#server()}; otherwise every test is skipped, saying so.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class OutageContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected OutageContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    /** Callers of each key at once. */
    private static final int CALLERS = 8;

    private static final List<String> KEYS = List.of("a", "b", "c");

    private ServerControl server;
    private boolean down;

    /** The fixture's control of its servers; the test is skipped if it has none. */
    private ServerControl server() {
        if (server == null) {
            Optional<ServerControl> offered;
            try {
                offered = backendFixture().server();
            } catch (UnsupportedOperationException e) {
                offered = Optional.empty();
                assumeCapability(false, "the fixture cannot stop its servers now (" + e.getMessage() + ")");
            }
            assumeCapability(
                    offered.isPresent(),
                    "the fixture cannot stop and start its servers (BackendFixture.server() is empty)");
            server = offered.get();
            assertThat(server.addresses()).as("ServerControl.addresses()").isNotEmpty();
        }
        return server;
    }

    private void stopServer() {
        ServerControl control = server();
        down = true;
        control.stop();
    }

    private void startServer() {
        server().start();
        down = false;
    }

    /** A fixture without a server control skips each test before it opens anything. */
    @BeforeEach
    final void needTheServerControl() {
        server();
    }

    /** Whatever the test did, the next one finds the servers up. */
    @AfterEach
    final void startTheServerIfTheTestLeftItDown() {
        if (down) {
            startServer();
        }
    }

    /** A cache over a new client of the fixture with {@code policy}, telling {@code heard}. */
    private Cache cache(StoreErrorPolicy policy, Heard heard) {
        return cache(open(), policy, heard);
    }

    /** A cache over {@code backend} with {@code policy}, telling {@code heard}. */
    private Cache cache(Backend backend, StoreErrorPolicy policy, Heard heard) {
        return track(cacheBuilder(backend)
                // Callers that joined a load wait for it while the other callers' reads still fail,
                // each of which may take the backend's whole timeout: longer than the default.
                .loadTimeout(PATIENCE.multipliedBy(2))
                .storeErrorPolicy(policy)
                .listener(heard)
                .build());
    }

    /** Fails unless {@code call} throws a {@link StoreException} that names one of the servers. */
    private void assertStoreError(String what, ThrowingCallable call) {
        assertThatThrownBy(call)
                .as("%s while the servers are down", what)
                .isInstanceOf(StoreException.class)
                .satisfies(error -> assertNamesAServer(what, (StoreException) error));
    }

    private void assertNamesAServer(String what, StoreException error) {
        assertThat(server().addresses())
                .as("the servers named by the error of %s: %s", what, error.getMessage())
                .anyMatch(address -> String.valueOf(error.getMessage()).contains(address));
    }

    /**
     * Calls {@code attempt} until it answers {@code true}, a tenth of a second apart: a client may
     * take a while to reconnect. A {@link StoreException} counts as "not yet"; any other exception
     * fails at once. Fails after {@link #PATIENCE}.
     */
    private static void awaitAfterRestart(String what, BooleanSupplier attempt) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        StoreException last = null;
        while (true) {
            try {
                if (attempt.getAsBoolean()) {
                    return;
                }
            } catch (StoreException e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        what + " did not happen within " + PATIENCE.toSeconds() + " s of the restart"
                                + (last == null ? "" : "; the last store error: " + last.getMessage()),
                        last);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    @Nested
    class WhileTheServerIsDown {

        @Test
        @DisplayName("onStoreError=load: 8 callers of each of 3 keys get the loader's value, each key is loaded"
                + " exactly once in this JVM, and every store error reaches the listener")
        void loadPolicyLoadsEachKeyOnce() throws Exception {
            Heard heard = new Heard(CALLERS - 1);
            Cache cache = cache(StoreErrorPolicy.LOAD, heard);
            cache.put("warm", "up");
            stopServer();
            Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
            List<String> values = runConcurrently(CALLERS * KEYS.size(), i -> {
                String key = KEYS.get(i % KEYS.size());
                return () -> cache.getOrLoad(key, String.class, () -> {
                    loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    // Hold the load until every other caller of the key has joined it.
                    heard.awaitJoins(key);
                    return "loaded " + key;
                });
            });
            for (int i = 0; i < values.size(); i++) {
                assertThat(values.get(i)).as("caller %d", i).isEqualTo("loaded " + KEYS.get(i % KEYS.size()));
            }
            for (String key : KEYS) {
                assertThat(loads.get(key)).as("loader calls for %s", key).hasValue(1);
            }
            List<String> expected = new ArrayList<>();
            for (String key : KEYS) {
                for (int i = 0; i < CALLERS; i++) {
                    expected.add("get " + key);
                }
                expected.add("store-loaded " + key);
            }
            assertThat(heard.storeErrors())
                    .as("store errors heard: each caller's read, and each key's write of its loaded value")
                    .containsExactlyInAnyOrderElementsOf(expected);
            heard.errors().forEach(error -> assertNamesAServer("getOrLoad", error));
        }

        @Test
        @DisplayName("onStoreError=fail: 8 callers each get a StoreException naming the server, the loader never"
                + " runs, and each error reaches the listener")
        void failPolicyThrowsNamingTheServer() throws Exception {
            Heard heard = new Heard(0);
            Cache cache = cache(StoreErrorPolicy.FAIL, heard);
            cache.put("warm", "up");
            stopServer();
            AtomicInteger loads = new AtomicInteger();
            List<Throwable> thrown = runConcurrently(CALLERS, i -> () -> {
                try {
                    cache.getOrLoad("k", String.class, () -> "loaded " + loads.incrementAndGet());
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            for (Throwable error : thrown) {
                assertThat(error).as("what getOrLoad threw").isInstanceOf(StoreException.class);
                assertNamesAServer("getOrLoad", (StoreException) error);
            }
            assertThat(loads).as("loader calls").hasValue(0);
            assertThat(heard.storeErrors())
                    .containsExactlyElementsOf(
                            List.of("get k", "get k", "get k", "get k", "get k", "get k", "get k", "get k"));
        }

        @Test
        @DisplayName("get, put, remove and a flush throw a StoreException naming the server under either policy,"
                + " each reported to the listener")
        void cacheCallsThrowStoreException() {
            Map<StoreErrorPolicy, Heard> heard = new EnumMap<>(StoreErrorPolicy.class);
            Map<StoreErrorPolicy, Cache> caches = new EnumMap<>(StoreErrorPolicy.class);
            for (StoreErrorPolicy policy : StoreErrorPolicy.values()) {
                heard.put(policy, new Heard(0));
                caches.put(policy, cache(policy, heard.get(policy)));
                caches.get(policy).put("warm", "up");
            }
            stopServer();
            for (StoreErrorPolicy policy : StoreErrorPolicy.values()) {
                Cache cache = caches.get(policy);
                String under = " under " + policy;
                assertStoreError("get" + under, () -> cache.get("k", String.class));
                assertStoreError("put" + under, () -> cache.put("k", "v"));
                assertStoreError("remove" + under, () -> cache.remove("k"));
                assertStoreError("flush" + under, () -> cache.tags("t").flush());
                assertThat(heard.get(policy).storeErrors())
                        .as("store errors heard" + under)
                        .containsExactly("get k", "put k", "remove k", "flush null");
            }
        }

        @Test
        @DisplayName("every Store method and the locker's tryAcquire throw a StoreException naming the server,"
                + " never a client's own exception")
        void storeCallsThrowStoreException() {
            Backend backend = open();
            Store store = backend.store();
            Locker locker = backend.locker();
            store.set(key("warm"), bytes("up"), Store.NO_EXPIRY);
            stopServer();
            String k = key("k");
            assertStoreError("get", () -> store.get(k));
            assertStoreError("getAll", () -> store.getAll(List.of(k, key("other"))));
            assertStoreError("set", () -> store.set(k, bytes("v"), 60_000));
            assertStoreError("setAll", () -> store.setAll(Map.of(k, bytes("v"), key("other"), bytes("w")), 60_000));
            assertStoreError("setIfAbsent", () -> store.setIfAbsent(k, bytes("v"), 60_000));
            assertStoreError("compareAndSet", () -> store.compareAndSet(k, bytes("v"), bytes("w"), 60_000));
            assertStoreError("compareAndDelete", () -> store.compareAndDelete(k, bytes("v")));
            assertStoreError("delete", () -> store.delete(k));
            assertStoreError("increment", () -> store.increment(key("counter")));
            assertStoreError("tryAcquire", () -> locker.tryAcquire(key("lock"), Duration.ofSeconds(30)));
        }
    }

    @Nested
    class AfterTheServerIsBack {

        @Test
        @DisplayName("onStoreError=load: the cache that loaded without the store caches again once the server is"
                + " back, and the other client reads the value")
        void loadPolicyCachesAgain() throws Exception {
            Heard heard = new Heard(0);
            Cache cache = cache(StoreErrorPolicy.LOAD, heard);
            stopServer();
            AtomicInteger loads = new AtomicInteger();
            assertThat(cache.getOrLoad("k", String.class, () -> "during " + loads.incrementAndGet()))
                    .isEqualTo("during 1");
            assertThat(heard.storeErrors()).containsExactly("get k", "store-loaded k");
            startServer();
            awaitAfterRestart("caching k again", () -> {
                cache.getOrLoad("k", String.class, () -> "after the restart");
                return cache.get("k", String.class).isHit();
            });
            assertThat(cache.getOrLoad("k", String.class, () -> "never")).isEqualTo("after the restart");
            Cache other = cache(openSecond());
            assertThat(other.get("k", String.class).value()).isEqualTo("after the restart");
        }

        @Test
        @DisplayName("onStoreError=fail: the same cache and store work again once the server is back, and a cold key"
                + " is loaded once")
        void failPolicyWorksAgain() {
            Heard heard = new Heard(0);
            Backend backend = open();
            Cache cache = cache(backend, StoreErrorPolicy.FAIL, heard);
            cache.put("warm", "up");
            stopServer();
            assertStoreError("get", () -> cache.get("warm", String.class));
            startServer();
            Store store = backend.store();
            // Each key may live on another server, and each server comes back in its own time.
            KeyLayout layout = KeyLayout.of(prefix());
            // The load lock of k2 too: getOrLoad takes it, and it may live on yet another server.
            List<String> used = List.of(key("probe"), layout.entry("k1"), layout.entry("k2"), layout.loadLock("k2"));
            awaitAfterRestart("a read of every key the test uses, and a write", () -> {
                store.getAll(used);
                store.set(key("probe"), bytes("p"), 60_000);
                return store.get(key("probe")) != null;
            });
            awaitAfterRestart("a put read back through the cache", () -> {
                cache.put("k1", "v1");
                return "v1".equals(cache.get("k1", String.class).value());
            });
            AtomicInteger loads = new AtomicInteger();
            assertThat(cache.getOrLoad("k2", String.class, () -> "loaded " + loads.incrementAndGet()))
                    .isEqualTo("loaded 1");
            assertThat(cache.getOrLoad("k2", String.class, () -> "loaded " + loads.incrementAndGet()))
                    .isEqualTo("loaded 1");
            assertThat(loads).as("loader calls after the restart").hasValue(1);
        }
    }

    /** What a cache told its listener: its store errors, and who joined whose load. */
    private static final class Heard implements CacheListener {
        private final int joinsPerKey;
        private final List<String> storeErrors = new CopyOnWriteArrayList<>();
        private final List<StoreException> errors = new CopyOnWriteArrayList<>();
        private final Map<String, CountDownLatch> joins = new ConcurrentHashMap<>();

        Heard(int joinsPerKey) {
            this.joinsPerKey = joinsPerKey;
        }

        @Override
        public void storeError(String operation, String key, StoreException error) {
            storeErrors.add(operation + " " + key);
            errors.add(error);
        }

        @Override
        public void joinedLoad(String key) {
            joined(key).countDown();
        }

        /** Waits until {@code joinsPerKey} callers joined the load of {@code key}, at most {@link #PATIENCE}. */
        void awaitJoins(String key) throws InterruptedException {
            joined(key).await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        }

        private CountDownLatch joined(String key) {
            return joins.computeIfAbsent(key, k -> new CountDownLatch(joinsPerKey));
        }

        /** Each store error as {@code operation key}, in the order heard. */
        List<String> storeErrors() {
            return List.copyOf(storeErrors);
        }

        List<StoreException> errors() {
            return List.copyOf(errors);
        }
    }
}
