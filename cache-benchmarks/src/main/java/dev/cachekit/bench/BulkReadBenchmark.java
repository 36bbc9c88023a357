package dev.cachekit.bench;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * {@code getAll} of 10 and 100 keys through cachekit (untagged, and under three tags) against the raw
 * client's multi-get of as many keys holding values of the same size, on the same server in the
 * same run. A tagged {@code getAll} is one multi-get of the entries and the three tags' versions, so
 * it is also set against the raw multi-get of those three keys more.
 *
 * <pre>
 * java -jar cache-benchmarks/target/benchmarks.jar BulkReadBenchmark -p store=redis -p keys=100
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(4)
public class BulkReadBenchmark {

    /** The store under measurement. */
    @Param({"redis", "memcached"})
    public String store;

    /** How many keys one call reads. */
    @Param({"10", "100"})
    public int keys;

    private BenchTarget target;
    private Cache cache;
    private TaggedCache tagged;
    private List<String> plainKeys;
    private List<String> taggedKeys;
    private List<String> rawKeys;
    private List<String> rawKeysAndTags;

    /** Starts the server and writes the entries every benchmark reads. */
    @Setup(Level.Trial)
    public void setUp() {
        target = BenchTarget.start(store);
        cache = target.openCache();
        tagged = cache.tags("users", "page:1", "team:7");
        plainKeys = new ArrayList<>(keys);
        taggedKeys = new ArrayList<>(keys);
        rawKeys = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            String user = "User[id=" + i + ", name=Ada Lovelace, email=ada@example.com]";
            plainKeys.add("plain:" + i);
            taggedKeys.add("user:" + i);
            rawKeys.add("raw:item:" + i);
            cache.put("plain:" + i, user);
            tagged.put("user:" + i, user);
            // The raw side reads bytes as large as the cache's entry, so the payloads weigh the same.
            target.rawSet("raw:item:" + i, new byte[200]);
        }
        rawKeysAndTags = new ArrayList<>(rawKeys);
        for (String tag : List.of("raw:tag1", "raw:tag2", "raw:tag3")) {
            target.rawSet(tag, new byte[16]);
            rawKeysAndTags.add(tag);
        }
    }

    /** Stops the server. */
    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
        target.close();
    }

    /**
     * An untagged {@code getAll}: one multi-get, then decoding each entry.
     *
     * @return the lookups
     */
    @Benchmark
    public Map<String, Lookup<String>> cachekitGetAll() {
        return cache.getAll(plainKeys, String.class);
    }

    /**
     * A {@code getAll} under three tags: one multi-get of the entries and the tags' versions.
     *
     * @return the lookups
     */
    @Benchmark
    public Map<String, Lookup<String>> cachekitTaggedGetAll() {
        return tagged.getAll(taggedKeys, String.class);
    }

    /**
     * The raw client's multi-get of as many keys.
     *
     * @return the values
     */
    @Benchmark
    public List<byte[]> rawMultiGet() {
        return target.rawMultiGet(rawKeys);
    }

    /**
     * The raw client's multi-get of as many keys plus three, what a tagged {@code getAll} sends.
     *
     * @return the values
     */
    @Benchmark
    public List<byte[]> rawMultiGetPlusThree() {
        return target.rawMultiGet(rawKeysAndTags);
    }
}
