package dev.cachekit.bench;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.redis.RedisBackends;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.ThreadParams;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Lock and unlock on Redis: cachekit's {@code cache.lock(name).tryAcquire(timeout)} and close,
 * against the original program's protocol on the raw client ({@code SET key token NX PX lease}, on
 * failure sleep 1 ms and try again; release by a compare-and-delete script), in the same run, on
 * the same server; and cachekit's locker unfenced, as the original is. Each thread takes the names in turn, starting at its own index, so with one name
 * every thread contends and with eight they mostly do not.
 *
 * <p>Under the lock each operation increments a plain, non-atomic counter of its name; after every
 * iteration the counters' sum must equal the number of operations that held the lock, or the run
 * fails with the number of lost updates.
 *
 * <pre>
 * java -jar cache-benchmarks/target/benchmarks.jar LockBenchmark -t 8 -p names=1,8
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(8)
public class LockBenchmark {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The original program's release: delete the key only while it still holds this token. */
    static final String COMPARE_AND_DELETE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    /** How many lock names the threads spread over. */
    @Param({"1", "8"})
    public int names;

    private BenchTarget.Redis target;
    private Cache cache;
    private RedisClient raw;
    private RedisClient unfencedClient;
    private Backend unfenced;
    private byte[] releaseSha;
    private String[] lockNames;
    private byte[][] rawKeys;
    private long[] counters;
    private final LongAdder heldOps = new LongAdder();

    /** One thread's place in the names and its source of lock tokens. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;
        private long tokens;
        private String tokenPrefix;

        /**
         * Starts the thread at its own name.
         *
         * @param thread JMH's view of this thread
         */
        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            next = thread.getThreadIndex();
            tokenPrefix = "t" + thread.getThreadIndex() + ":" + System.nanoTime() + ":";
        }

        int nextName(int names) {
            return next++ % names;
        }

        byte[] newToken() {
            return (tokenPrefix + tokens++).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Starts Redis, opens the cache and the raw client, and loads the release script. */
    @Setup(Level.Trial)
    public void setUp() {
        target = BenchTarget.startRedis();
        cache = target.openCache();
        raw = target.raw();
        // Pooled like the cache's own client: 16 connections, one of them held by the subscriber.
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(16);
        unfencedClient = RedisClient.builder()
                .hostAndPort(HostAndPort.from(target.address()))
                .poolConfig(pool)
                .build();
        unfenced = RedisBackends.of(unfencedClient);
        releaseSha = raw.scriptLoad(COMPARE_AND_DELETE).getBytes(StandardCharsets.UTF_8);
        lockNames = new String[names];
        rawKeys = new byte[names][];
        for (int i = 0; i < names; i++) {
            lockNames[i] = "bench:" + i;
            rawKeys[i] = ("raw:lock:" + i).getBytes(StandardCharsets.UTF_8);
        }
        // Spread apart, so the counters of two names never share a cache line.
        counters = new long[names * 16];
    }

    /**
     * Fails the run when the counters lost an update: some operation ran while another held the
     * same lock.
     */
    @TearDown(Level.Iteration)
    public void checkNoLostUpdates() {
        long counted = 0;
        for (int i = 0; i < names; i++) {
            counted += counters[i * 16];
        }
        long held = heldOps.sum();
        if (counted != held) {
            throw new IllegalStateException("lost updates under the lock: " + (held - counted) + " of " + held
                    + " increments are missing (" + names + " names)");
        }
    }

    /** Stops the cache and the server. */
    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
        unfenced.close();
        unfencedClient.close();
        target.close();
    }

    /**
     * cachekit: acquire (waiting for a release if the name is held), increment, release.
     *
     * @param cursor the thread's place in the names
     * @throws InterruptedException if interrupted while waiting
     */
    @Benchmark
    public void cachekit(Cursor cursor) throws InterruptedException {
        int name = cursor.nextName(names);
        Optional<HeldLock> held = cache.lock(lockNames[name]).tryAcquire(WAIT);
        if (held.isEmpty()) {
            throw new IllegalStateException("lock '" + lockNames[name] + "' not acquired within " + WAIT);
        }
        try (HeldLock lock = held.get()) {
            increment(name);
        }
        heldOps.increment();
    }

    /**
     * cachekit's locker without a fencing token, through the backend's {@link Locker} (what a lock
     * costs when it does the same work as the original protocol): acquire (waiting for a release
     * if the name is held), increment, release.
     *
     * @param cursor the thread's place in the names
     * @throws InterruptedException if interrupted while waiting
     */
    @Benchmark
    public void cachekitUnfenced(Cursor cursor) throws InterruptedException {
        int name = cursor.nextName(names);
        Locker locker = unfenced.locker();
        Optional<LockLease> held = locker.acquire(lockNames[name], LEASE, WAIT);
        if (held.isEmpty()) {
            throw new IllegalStateException("lock '" + lockNames[name] + "' not acquired within " + WAIT);
        }
        try {
            increment(name);
        } finally {
            locker.release(held.get());
        }
        heldOps.increment();
    }

    /**
     * The original protocol on the raw client: {@code SET NX PX} until it succeeds, sleeping 1 ms
     * after each failure; increment; compare-and-delete.
     *
     * @param cursor the thread's place in the names
     * @throws InterruptedException if interrupted while sleeping
     */
    @Benchmark
    public void originalProtocol(Cursor cursor) throws InterruptedException {
        int name = cursor.nextName(names);
        byte[] key = rawKeys[name];
        byte[] token = cursor.newToken();
        SetParams acquire = SetParams.setParams().nx().px(LEASE.toMillis());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!"OK".equals(raw.set(key, token, acquire))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "raw lock '" + new String(key, StandardCharsets.UTF_8) + "' not acquired within " + WAIT);
            }
            Thread.sleep(1);
        }
        try {
            increment(name);
        } finally {
            raw.evalsha(releaseSha, List.of(key), List.of(token));
        }
        heldOps.increment();
    }

    /** Read, a little work, write: two holders at once would lose one of their increments. */
    private void increment(int name) {
        long value = counters[name * 16];
        Blackhole.consumeCPU(64);
        counters[name * 16] = value + 1;
    }
}
