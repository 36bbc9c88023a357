package dev.cachekit.bench;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A cached read through cachekit (untagged, and under three tags) against the raw client's single
 * get of a value of the same size, and the raw multi-get of four keys that a tagged read amounts
 * to, on the same server in the same run. On the in-process {@code memory} store there is no network,
 * so the gap to the raw side is cachekit's own CPU per read.
 *
 * <pre>
 * java -jar cache-benchmarks/target/benchmarks.jar TaggedReadBenchmark -p store=redis
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(4)
public class TaggedReadBenchmark {

    /** The store under measurement. */
    @Param({"redis", "memcached", "hazelcast", "memory"})
    public String store;

    private BenchTarget target;
    private Cache cache;
    private TaggedCache tagged;
    private final List<String> rawKeys = List.of("raw:item", "raw:tag1", "raw:tag2", "raw:tag3");

    /** Starts the server and writes the entries every benchmark reads. */
    @Setup(Level.Trial)
    public void setUp() {
        target = BenchTarget.start(store);
        cache = target.openCache();
        tagged = cache.tags("users", "user:42", "team:7");
        String user = "User[id=42, name=Ada Lovelace, email=ada@example.com]";
        tagged.put("user:42", user);
        cache.put("plain:42", user);
        // The raw side reads bytes as large as the cache's entry, so the payloads weigh the same.
        byte[] entrySized = new byte[200];
        target.rawSet("raw:item", entrySized);
        for (String key : rawKeys.subList(1, rawKeys.size())) {
            target.rawSet(key, new byte[16]);
        }
    }

    /** Stops the server. */
    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
        target.close();
    }

    /**
     * A read under three tags: one multi-get of the entry and the tags' versions, then decoding.
     *
     * @return the lookup
     */
    @Benchmark
    public Lookup<String> cachekitTaggedGet() {
        return tagged.get("user:42", String.class);
    }

    /**
     * An untagged read: one get, then decoding.
     *
     * @return the lookup
     */
    @Benchmark
    public Lookup<String> cachekitGet() {
        return cache.get("plain:42", String.class);
    }

    /**
     * The raw client's get of one key.
     *
     * @return the bytes
     */
    @Benchmark
    public byte[] rawGet() {
        return target.rawGet("raw:item");
    }

    /**
     * The raw client's multi-get of four keys.
     *
     * @return the values
     */
    @Benchmark
    public List<byte[]> rawMultiGet4() {
        return target.rawMultiGet(rawKeys);
    }
}
