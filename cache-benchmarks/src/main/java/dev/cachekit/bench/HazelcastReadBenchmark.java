package dev.cachekit.bench;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * The raw ways to read an entry and its three tags' versions from an embedded Hazelcast member, four
 * keys in four partitions: one {@code getAll}, four {@code getAsync} joined together, four
 * {@code get}s in sequence; and one {@code get} as the yardstick. Only the raw {@code IMap}, so the
 * cheapest correct read is known before the store is changed to use it.
 *
 * <pre>
 * java -jar cache-benchmarks/target/benchmarks.jar HazelcastReadBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(4)
public class HazelcastReadBenchmark {

    private HazelcastInstance member;
    private IMap<String, byte[]> map;
    private final List<String> keys = List.of("e|item", "t|users", "t|user:42", "t|team:7");
    private final Set<String> keySet = new LinkedHashSet<>(keys);

    /** Starts the member and writes the entry and the three tags. */
    @Setup(Level.Trial)
    public void setUp() {
        member = BenchTarget.startMember();
        map = member.getMap("bench");
        map.set(keys.get(0), new byte[200]);
        for (String tag : keys.subList(1, keys.size())) {
            map.set(tag, new byte[16]);
        }
        Set<Integer> partitions = new LinkedHashSet<>();
        for (String key : keys) {
            partitions.add(member.getPartitionService().getPartition(key).getPartitionId());
        }
        if (partitions.size() != keys.size()) {
            throw new IllegalStateException("the four keys should sit in four partitions, found " + partitions);
        }
    }

    /** Stops the member. */
    @TearDown(Level.Trial)
    public void tearDown() {
        member.shutdown();
    }

    /**
     * One key: what an untagged read costs.
     *
     * @return the value
     */
    @Benchmark
    public byte[] get1() {
        return map.get(keys.get(0));
    }

    /**
     * Four keys in one {@code getAll}.
     *
     * @return the values by key
     */
    @Benchmark
    public Map<String, byte[]> getAll4() {
        return map.getAll(keySet);
    }

    /**
     * Four {@code getAsync}s sent together, then joined.
     *
     * @return the values in key order
     */
    @Benchmark
    public List<byte[]> getAsync4() {
        List<CompletableFuture<byte[]>> pending = new ArrayList<>(keys.size());
        for (String key : keys) {
            pending.add(map.getAsync(key).toCompletableFuture());
        }
        List<byte[]> values = new ArrayList<>(keys.size());
        for (CompletableFuture<byte[]> value : pending) {
            values.add(value.join());
        }
        return values;
    }

    /**
     * Four {@code get}s, one after another.
     *
     * @return the values in key order
     */
    @Benchmark
    public List<byte[]> get4InSequence() {
        List<byte[]> values = new ArrayList<>(keys.size());
        for (String key : keys) {
            values.add(map.get(key));
        }
        return values;
    }
}
