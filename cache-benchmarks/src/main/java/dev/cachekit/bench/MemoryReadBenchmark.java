package dev.cachekit.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.CacheBuilder;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process store, where cachekit's own CPU is the whole cost of a read: a read through the
 * cache (untagged, and under three tags) against a raw Caffeine {@code getIfPresent}, in
 * nanoseconds per read, step by step: Caffeine alone, Caffeine plus the copy every store returns,
 * the {@code memory:} store's get, then the cache (envelope check, decoding). The tagged read's raw
 * equivalent is four copied {@code getIfPresent} (the entry and three tag versions).
 *
 * <pre>
 * java -jar cache-benchmarks/target/benchmarks.jar MemoryReadBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class MemoryReadBenchmark {

    private static final String USER = "User[id=42, name=Ada Lovelace, email=ada@example.com]";

    private com.github.benmanes.caffeine.cache.Cache<String, byte[]> caffeine;
    private com.github.benmanes.caffeine.cache.Cache<String, byte[]> caffeineLikeTheStore;
    private Backend backend;
    private Store store;
    private Cache cache;
    private TaggedCache tagged;
    private String storeKey;
    private final List<String> rawKeys = List.of("raw:item", "raw:tag1", "raw:tag2", "raw:tag3");

    /** Writes the entries every benchmark reads: the cache's, and raw bytes as large as its entry. */
    @Setup(Level.Trial)
    public void setUp() {
        backend = Caches.backend("memory://bench-memory-" + System.nanoTime());
        store = backend.store();
        cache = Caches.builder().backend(backend).build();
        tagged = cache.tags("users", "user:42", "team:7");
        tagged.put("user:42", USER);
        cache.put("plain:42", USER);
        storeKey = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).entry("plain:42");
        int entryBytes = store.get(storeKey).length;
        // A raw cache bounded as the store is by default, holding values as large as the entry.
        caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
        caffeine.put(rawKeys.get(0), new byte[entryBytes]);
        for (String key : rawKeys.subList(1, rawKeys.size())) {
            caffeine.put(key, new byte[16]);
        }
        // Configured as the store's bounded cache is: a weight bound and an expiry per entry.
        caffeineLikeTheStore = Caffeine.newBuilder()
                .maximumWeight(64L << 20)
                .weigher((String key, byte[] value) -> value.length + 2 * key.length() + 192)
                .expireAfter(new Expiry<String, byte[]>() {
                    @Override
                    public long expireAfterCreate(String key, byte[] value, long currentTime) {
                        return TimeUnit.HOURS.toNanos(2);
                    }

                    @Override
                    public long expireAfterUpdate(String key, byte[] value, long currentTime, long currentDuration) {
                        return TimeUnit.HOURS.toNanos(2);
                    }

                    @Override
                    public long expireAfterRead(String key, byte[] value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .executor(Runnable::run)
                .build();
        caffeineLikeTheStore.put(rawKeys.get(0), new byte[entryBytes]);
    }

    /** Closes the cache. */
    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
        backend.close();
    }

    /**
     * Caffeine's own read, no copy: the floor.
     *
     * @return the bytes
     */
    @Benchmark
    public byte[] caffeineGetIfPresent() {
        return caffeine.getIfPresent("raw:item");
    }

    /**
     * Caffeine's read and the copy a store owes its caller.
     *
     * @return the copied bytes
     */
    @Benchmark
    public byte[] caffeineGetIfPresentCopy() {
        byte[] value = caffeine.getIfPresent("raw:item");
        return value == null ? null : value.clone();
    }

    /**
     * The same read and copy on a Caffeine cache configured like the store's: weighed, with an
     * expiry per entry (Caffeine then reads the clock on every read).
     *
     * @return the copied bytes
     */
    @Benchmark
    public byte[] caffeineLikeTheStoreGetIfPresentCopy() {
        byte[] value = caffeineLikeTheStore.getIfPresent("raw:item");
        return value == null ? null : value.clone();
    }

    /**
     * Four copied reads: what a read under three tags amounts to.
     *
     * @return the copied values
     */
    @Benchmark
    public List<byte[]> caffeineGetIfPresent4Copy() {
        List<byte[]> values = new ArrayList<>(4);
        for (String key : rawKeys) {
            byte[] value = caffeine.getIfPresent(key);
            values.add(value == null ? null : value.clone());
        }
        return values;
    }

    /**
     * The {@code memory:} store's get of the entry's key (which cache holds the key, expiry check,
     * copy).
     *
     * @return the bytes
     */
    @Benchmark
    public byte[] storeGet() {
        return store.get(storeKey);
    }

    /**
     * An untagged read through the cache: the store's get, then the envelope check and decoding.
     *
     * @return the lookup
     */
    @Benchmark
    public Lookup<String> cachekitGet() {
        return cache.get("plain:42", String.class);
    }

    /**
     * A read under three tags: one multi-get of the entry and the tags' versions, the tag check,
     * decoding.
     *
     * @return the lookup
     */
    @Benchmark
    public Lookup<String> cachekitTaggedGet() {
        return tagged.get("user:42", String.class);
    }
}
