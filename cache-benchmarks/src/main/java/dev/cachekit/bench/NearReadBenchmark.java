package dev.cachekit.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.Caches;
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
 * A near-cache hit ({@code near=on} over Redis) against a raw Caffeine {@code getIfPresent} of a
 * value as large as the entry and against the same read with the near cache off (a Redis round
 * trip), in nanoseconds per read, one thread, in the same run. A near hit copies the bytes (the
 * store contract) and decodes them per read, so values are never shared between callers.
 *
 * <pre>
 * java -jar cache-benchmarks/target/benchmarks.jar NearReadBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class NearReadBenchmark {

    private static final String USER = "User[id=42, name=Ada Lovelace, email=ada@example.com]";

    private BenchTarget target;
    private Cache near;
    private TaggedCache nearTagged;
    private Cache remote;
    private TaggedCache remoteTagged;
    private com.github.benmanes.caffeine.cache.Cache<String, byte[]> caffeine;

    /** Starts Redis, writes the entries, and reads them once so the near cache holds them. */
    @Setup(Level.Trial)
    public void setUp() {
        target = BenchTarget.start("redis");
        String address = ((BenchTarget.Redis) target).address();
        near = Caches.builder().uri("redis://" + address + "?near=on").build();
        remote = Caches.builder().uri("redis://" + address).build();
        nearTagged = near.tags("users", "user:42", "team:7");
        remoteTagged = remote.tags("users", "user:42", "team:7");
        remoteTagged.put("user:42", USER);
        remote.put("plain:42", USER);
        caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
        caffeine.put("raw:item", new byte[200]);
        // The writes' invalidations may land after a first read: read until the copies stay.
        for (int i = 0; i < 1000; i++) {
            near.get("plain:42", String.class);
            nearTagged.get("user:42", String.class);
        }
    }

    /** Closes the caches and stops the server. */
    @TearDown(Level.Trial)
    public void tearDown() {
        near.close();
        remote.close();
        target.close();
    }

    /**
     * Raw Caffeine, no copy: the floor.
     *
     * @return the bytes
     */
    @Benchmark
    public byte[] caffeineGetIfPresent() {
        return caffeine.getIfPresent("raw:item");
    }

    /**
     * A near hit, untagged.
     *
     * @return the lookup
     */
    @Benchmark
    public Lookup<String> nearGet() {
        return near.get("plain:42", String.class);
    }

    /**
     * A near hit under three tags (entry and three tag versions, all local).
     *
     * @return the lookup
     */
    @Benchmark
    public Lookup<String> nearTaggedGet() {
        return nearTagged.get("user:42", String.class);
    }

    /**
     * The same read with the near cache off: a Redis round trip.
     *
     * @return the lookup
     */
    @Benchmark
    public Lookup<String> redisGet() {
        return remote.get("plain:42", String.class);
    }

    /**
     * The same tagged read with the near cache off: one multi-get.
     *
     * @return the lookup
     */
    @Benchmark
    public Lookup<String> redisTaggedGet() {
        return remoteTagged.get("user:42", String.class);
    }
}
