package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.HeldLock;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The near tier over an in-process store that counts its calls, with two caches (two "processes")
 * sharing one memory space and one invalidation channel.
 */
@DisplayName("Near cache")
class NearCacheTest {

    private static final String PREFIX = "near:";
    private static final KeyLayout LAYOUT = KeyLayout.of(PREFIX);

    private final MemorySpace space = MemorySpace.createPrivate();
    private final LocalChannel channel = new LocalChannel();
    private final AtomicLong nanos = new AtomicLong(1);
    private final AtomicLong millis =
            new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    private final List<Cache> opened = new ArrayList<>();

    /** One cache as a process sees it: its store's call counter, its near store. */
    private record Node(Cache cache, CountingStore store, NearStore near) {}

    private Node node(NearStore.NearSettings settings) {
        CountingStore store = new CountingStore(new MemoryStore(space));
        Backend backend = NearTier.wrap(
                Backend.builder(store).invalidations(channel).build(), settings, PREFIX, (Ticker) nanos::get);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis.get());
            }
        };
        Cache cache =
                Caches.builder().backend(backend).keyPrefix(PREFIX).clock(clock).build();
        opened.add(cache);
        return new Node(cache, store, (NearStore) backend.store());
    }

    private Node node() {
        return node(new NearStore.NearSettings(1000, 16 << 20, Duration.ofMinutes(1)));
    }

    @AfterEach
    void close() {
        opened.forEach(Cache::close);
    }

    @Test
    @DisplayName("a local hit, tagged or not, performs no call on the store")
    void localHitCallsNothing() {
        Node a = node();
        a.cache().tags("users", "user:1").put("u1", "Ann");
        a.cache().put("plain", "P");
        assertThat(a.cache().tags("users", "user:1").get("u1", String.class).value())
                .isEqualTo("Ann");
        assertThat(a.cache().get("u1", String.class).value()).isEqualTo("Ann");
        assertThat(a.cache().get("plain", String.class).value()).isEqualTo("P");

        int before = a.store().calls.get();
        for (int i = 0; i < 100; i++) {
            assertThat(a.cache().tags("users", "user:1").get("u1", String.class).value())
                    .isEqualTo("Ann");
            assertThat(a.cache().get("u1", String.class).value()).isEqualTo("Ann");
            assertThat(a.cache().get("plain", String.class).value()).isEqualTo("P");
        }
        assertThat(a.store().calls.get() - before).isZero();
        assertThat(a.near().hits.get()).isGreaterThanOrEqualTo(300);
    }

    @Test
    @DisplayName("a bulk read serves the local keys and fetches only the others, in one call")
    void bulkReadFetchesOnlyWhatIsNotLocal() {
        Node a = node();
        a.cache().putAll(java.util.Map.of("x", "1", "y", "2", "z", "3"));
        a.cache().get("x", String.class);
        a.cache().get("y", String.class);
        int before = a.store().reads.get();
        a.store().readKeys.clear();
        java.util.Map<String, dev.cachekit.Lookup<String>> found =
                a.cache().getAll(List.of("x", "y", "z"), String.class);
        assertThat(found.get("x").value()).isEqualTo("1");
        assertThat(found.get("z").value()).isEqualTo("3");
        assertThat(a.store().reads.get() - before).isEqualTo(1);
        assertThat(a.store().readKeys).containsExactly(LAYOUT.entry("z"));
    }

    @Test
    @DisplayName("lock, load-lock and fencing keys are never kept locally")
    void locksNeverCached() throws Exception {
        Node a = node();
        Optional<HeldLock> held = a.cache().lock("job").tryAcquire();
        assertThat(held).isPresent();
        held.get().close();
        assertThat(a.cache().getOrLoad("k", String.class, () -> "v")).isEqualTo("v");
        for (String key : a.near().keys()) {
            assertThat(KeyLayout.kindOf(key)).isIn(KeyLayout.Kind.ENTRY, KeyLayout.Kind.TAG);
        }
        // Read twice through the tier, each lock key still reaches the store both times.
        List<String> lockKeys = List.of(LAYOUT.loadLock("k"), LAYOUT.lock("job"), LAYOUT.fence("job"));
        int before = a.store().reads.get();
        a.near().getAll(lockKeys);
        a.near().getAll(lockKeys);
        assertThat(a.store().reads.get() - before).isEqualTo(2);
        assertThat(a.near().keys()).doesNotContainAnyElementsOf(lockKeys);
    }

    @Test
    @DisplayName("a flush in another process reaches every local entry under the tag")
    void flushFromOtherNodeReachesLocalCopies() {
        Node a = node();
        Node b = node();
        a.cache().tags("users").put("u1", "Ann");
        a.cache().tags("users", "user:2").put("u2", "Bob");
        assertThat(b.cache().tags("users").get("u1", String.class).value()).isEqualTo("Ann");
        assertThat(b.cache().get("u2", String.class).value()).isEqualTo("Bob");
        int before = b.store().calls.get();
        assertThat(b.cache().get("u2", String.class).value()).isEqualTo("Bob");
        assertThat(b.store().calls.get()).as("served locally").isEqualTo(before);

        a.cache().tags("users").flush();

        assertThat(b.cache().tags("users").get("u1", String.class).isMiss()).isTrue();
        assertThat(b.cache().get("u2", String.class).isMiss()).isTrue();
        assertThat(b.cache().tags("user:2").get("u2", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("a tagged entry is served locally only while all its tags are current")
    void servedOnlyWhileTagsCurrent() {
        Node a = node();
        Node b = node();
        a.cache().tags("t1", "t2").put("k", "v");
        assertThat(b.cache().tags("t1", "t2").get("k", String.class).value()).isEqualTo("v");
        assertThat(b.near().keys()).contains(LAYOUT.entry("k"), LAYOUT.tag("t1"), LAYOUT.tag("t2"));

        a.cache().tags("t2").flush();

        // The entry's bytes may still be local; its tag t2 is not, and the store's t2 is new.
        assertThat(b.cache().tags("t1", "t2").get("k", String.class).isMiss()).isTrue();
        assertThat(b.cache().tags("t1").get("k", String.class).isMiss()).isTrue();
        assertThat(b.cache().get("k", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("a write or remove in another process reaches the local copy")
    void writeAndRemoveFromOtherNode() {
        Node a = node();
        Node b = node();
        a.cache().put("k", "v1");
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v1");
        a.cache().put("k", "v2");
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v2");
        a.cache().remove("k");
        assertThat(b.cache().get("k", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("an invalidation between the store read and the fill voids the fill")
    void invalidationBeforeFillVoidsIt() {
        Node a = node();
        Node b = node();
        a.cache().put("k", "v1");
        AtomicBoolean once = new AtomicBoolean();
        b.near().afterRemoteRead = () -> {
            if (once.compareAndSet(false, true)) {
                // B has read v1; A writes v2 and B hears of it before B fills.
                a.cache().put("k", "v2");
            }
        };
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v1");
        b.near().afterRemoteRead = () -> {};
        assertThat(b.near().keys()).doesNotContain(LAYOUT.entry("k"));
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v2");
    }

    @Test
    @DisplayName("fuzz: once a write returned, no reader is served an older value")
    void fuzzNoResurrection() throws Exception {
        Node writer = node();
        Node reader = node();
        int rounds = 3000;
        AtomicLong written = new AtomicLong(-1);
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        writer.cache().put("k", 0L);
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread thread = new Thread(() -> {
                while (!done.get()) {
                    long floor = written.get();
                    Long seen = reader.cache().get("k", Long.class).value();
                    if (seen == null || seen < floor) {
                        failures.add("read " + seen + " after " + floor + " was written");
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                }
            });
            thread.start();
            readers.add(thread);
        }
        for (long i = 1; i <= rounds; i++) {
            writer.cache().put("k", i);
            written.set(i);
            if (i % 7 == 0) {
                Thread.yield();
            }
        }
        done.set(true);
        for (Thread thread : readers) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(failures).isEmpty();
        assertThat(reader.near().hits.get()).as("the reader did serve locally").isPositive();
    }

    @Test
    @DisplayName("when invalidations may have been lost, the tier clears and fills nothing until it listens again")
    void clearsOnLostAndFillsOnlyWhenListening() {
        Node a = node();
        Node b = node();
        a.cache().put("k", "v1");
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v1");

        channel.down();
        a.cache().put("k", "v2"); // its invalidation is lost
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v2");
        a.cache().put("k", "v3"); // lost too: b must not have kept v2
        int before = b.store().reads.get();
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v3");
        assertThat(b.store().reads.get() - before)
                .as("no fill while not listening")
                .isEqualTo(1);
        assertThat(b.near().clears.get()).isEqualTo(1);

        channel.up();
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v3");
        before = b.store().reads.get();
        assertThat(b.cache().get("k", String.class).value()).isEqualTo("v3");
        assertThat(b.store().reads.get()).as("fills again once listening").isEqualTo(before);
    }

    @Test
    @DisplayName("a local copy never outlives the entry's TTL, nor the near TTL")
    void copyBoundedByTtls() {
        Node a = node(new NearStore.NearSettings(1000, 16 << 20, Duration.ofSeconds(10)));
        a.cache().put("short", "s", Duration.ofSeconds(2));
        a.cache().put("long", "l", Duration.ofHours(1));
        assertThat(a.cache().get("short", String.class).value()).isEqualTo("s");
        assertThat(a.cache().get("long", String.class).value()).isEqualTo("l");
        assertThat(a.near().keys()).contains(LAYOUT.entry("short"), LAYOUT.entry("long"));

        millis.addAndGet(3_000); // the entry's own TTL passed: the core rejects the local bytes
        assertThat(a.cache().get("short", String.class).isMiss()).isTrue();

        int before = a.store().reads.get();
        assertThat(a.cache().get("long", String.class).value()).isEqualTo("l");
        assertThat(a.store().reads.get()).isEqualTo(before);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(11)); // the near TTL passed: read from the store again
        assertThat(a.cache().get("long", String.class).value()).isEqualTo("l");
        assertThat(a.store().reads.get()).isEqualTo(before + 1);
    }

    @Test
    @DisplayName("ten times the bound written and read, the tier keeps within its entry and byte bounds")
    void staysBounded() {
        Node byCount = node(new NearStore.NearSettings(100, 16 << 20, Duration.ofMinutes(1)));
        for (int i = 0; i < 1000; i++) {
            byCount.cache().put("k" + i, i);
            assertThat(byCount.cache().get("k" + i, Integer.class).value()).isEqualTo(i);
        }
        assertThat(byCount.near().size()).isLessThanOrEqualTo(100).isPositive();
        assertThat(byCount.near().evictions.get()).isGreaterThanOrEqualTo(900);

        Node byBytes = node(new NearStore.NearSettings(10_000, 64 << 10, Duration.ofMinutes(1)));
        byte[] kib = new byte[1024];
        for (int i = 0; i < 640; i++) {
            byBytes.cache().put("b" + i, kib);
            byBytes.cache().get("b" + i, byte[].class);
        }
        assertThat(byBytes.near().size()).isLessThanOrEqualTo(64).isPositive();
    }

    @Test
    @DisplayName("the listener hears near hits, misses, invalidations, clears and evictions, in store keys")
    void listenerHearsNearEvents() {
        java.util.Map<dev.cachekit.CacheListener.NearEvent, java.util.concurrent.atomic.AtomicInteger> heard =
                new java.util.concurrent.ConcurrentHashMap<>();
        dev.cachekit.CacheListener listener = new dev.cachekit.CacheListener() {
            @Override
            public void near(NearEvent event, int storeKeys) {
                heard.computeIfAbsent(event, e -> new java.util.concurrent.atomic.AtomicInteger())
                        .addAndGet(storeKeys);
            }
        };
        Node a = node(new NearStore.NearSettings(2, 16 << 20, Duration.ofMinutes(1), listener));
        Node b = node();
        b.cache().tags("t").put("k", "v");
        a.cache().tags("t").get("k", String.class); // entry and tag: 2 misses
        a.cache().tags("t").get("k", String.class); // 2 hits
        b.cache().put("k", "w"); // 1 invalidation
        a.cache().get("other", String.class); // a miss (absent: nothing filled)
        b.cache().put("x", "1");
        b.cache().put("y", "2");
        for (String key : List.of("x", "y", "k")) {
            a.cache().get(key, String.class); // 3 misses, and fills over a bound of 2
        }
        channel.down();
        channel.up();
        assertThat(heard.get(dev.cachekit.CacheListener.NearEvent.MISS).get()).isEqualTo(6);
        assertThat(heard.get(dev.cachekit.CacheListener.NearEvent.HIT).get()).isEqualTo(2);
        assertThat(heard.get(dev.cachekit.CacheListener.NearEvent.INVALIDATED).get())
                .as("b's writes: the tag it created, k twice, x, y")
                .isEqualTo(5);
        assertThat(heard.get(dev.cachekit.CacheListener.NearEvent.EVICTED).get())
                .isPositive();
        assertThat(heard.get(dev.cachekit.CacheListener.NearEvent.CLEARED).get())
                .isPositive();
    }

    @Test
    @DisplayName("near=on is refused by a backend with no invalidation channel, ignored by memory:")
    void options() {
        assertThatThrownBy(() -> Caches.builder()
                        .backend(Backend.of(new CountingStore(new MemoryStore(space))))
                        .near(true)
                        .build())
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("near=on")
                .hasMessageContaining("memcached");
        try (Cache cache = Caches.open("memory:?near=on&nearMaxEntries=10&nearMaxBytes=1MiB&nearTtl=5s")) {
            cache.put("k", "v");
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");
        }
        assertThatThrownBy(() -> Caches.open("memory:?near=yes"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("'off' or 'on'");
        assertThatThrownBy(() -> Caches.open("memory:?near=on&nearMaxBytes=lots"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("nearMaxBytes");
        assertThatThrownBy(() -> Caches.open("memory:?near=on&nearMaxEntries=0"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("nearMaxEntries");
    }
}
