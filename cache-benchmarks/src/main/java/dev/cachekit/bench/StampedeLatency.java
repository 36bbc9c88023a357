package dev.cachekit.bench;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.HeldLock;
import dev.cachekit.Loader;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import dev.cachekit.spi.UriOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures a stampede on one cold key: {@code nodes} caches (each with its own connections, as
 * separate processes would have) times {@code threads} callers, a loader that takes {@code load};
 * reports how many times the loader ran and how long after the value landed in the store the
 * waiters got it (p50, p99, max). Runs cachekit's {@code getOrLoad} and, in the same run, the
 * original program's protocol (read; on a miss try the lock; on failure sleep 50 ms and read again).
 *
 * <pre>
 * java -cp cache-benchmarks/target/benchmarks.jar dev.cachekit.bench.StampedeLatency \
 *     --store redis --nodes 2 --threads 50 --load 200ms --rounds 10
 * </pre>
 */
public final class StampedeLatency {

    private StampedeLatency() {}

    /**
     * Runs the measurement and prints one line per protocol.
     *
     * @param args {@code --store redis|memcached|hazelcast}, {@code --nodes N}, {@code --threads N},
     *     {@code --load DURATION}, {@code --rounds N}
     * @throws Exception if a round fails
     */
    public static void main(String[] args) throws Exception {
        String store = "redis";
        int nodes = 2;
        int threads = 50;
        Duration load = Duration.ofMillis(200);
        int rounds = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--store" -> store = args[i + 1];
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--load" -> load = UriOptions.parseDuration(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf(
                "stampede on %s: %d nodes x %d threads, load %d ms, %d rounds%n",
                store, nodes, threads, load.toMillis(), rounds);
        try (BenchTarget target = BenchTarget.start(store)) {
            for (Protocol protocol : Protocol.values()) {
                Result result = measure(target, protocol, nodes, threads, load, rounds);
                System.out.printf(
                        "%-22s loads per round %s; waiters got the value after it landed: p50 %.1f ms, p99 %.1f ms,"
                                + " max %.1f ms (%d waiters)%n",
                        protocol.label,
                        result.loadsPerRound,
                        result.percentile(50),
                        result.percentile(99),
                        result.percentile(100),
                        result.afterLanding.size());
            }
        }
    }

    /** The two ways the callers wait for the one load. */
    enum Protocol {
        GET_OR_LOAD("cachekit getOrLoad"),
        POLL_50MS("original 50 ms poll");

        final String label;

        Protocol(String label) {
            this.label = label;
        }
    }

    /** What one protocol's rounds measured. */
    record Result(List<Integer> loadsPerRound, List<Long> afterLanding) {
        /** Whether every round ran the loader exactly once. */
        boolean loadedOncePerRound() {
            return loadsPerRound.stream().allMatch(loads -> loads == 1);
        }

        /** The waiters' delay after the value landed, in milliseconds, at percentile {@code p}. */
        double percentile(int p) {
            if (afterLanding.isEmpty()) {
                return Double.NaN;
            }
            List<Long> sorted = new ArrayList<>(afterLanding);
            Collections.sort(sorted);
            int index = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
            return sorted.get(Math.max(0, index)) / 1e6;
        }
    }

    /** Runs {@code rounds} stampedes of {@code nodes} caches x {@code threads} callers on the store. */
    static Result measure(BenchTarget target, Protocol protocol, int nodes, int threads, Duration load, int rounds)
            throws Exception {
        AtomicLong landedAt = new AtomicLong();
        CacheListener listener = new CacheListener() {
            @Override
            public void stored(String key) {
                landedAt.compareAndSet(0, System.nanoTime());
            }
        };
        List<Cache> caches = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            caches.add(target.openCache(listener));
        }
        List<Integer> loadsPerRound = new ArrayList<>();
        List<Long> afterLanding = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(nodes * threads);
        try {
            for (int round = 0; round < rounds; round++) {
                String key = "stampede:" + protocol + ":" + round + ":" + System.nanoTime();
                AtomicInteger loads = new AtomicInteger();
                landedAt.set(0);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<long[]>> calls = new ArrayList<>();
                for (int n = 0; n < nodes; n++) {
                    Cache cache = caches.get(n);
                    TaggedCache view = cache.tags("users", "user:1");
                    for (int t = 0; t < threads; t++) {
                        calls.add(pool.submit(() -> {
                            go.await();
                            boolean[] loadedHere = {false};
                            Object value = switch (protocol) {
                                case GET_OR_LOAD ->
                                    view.getOrLoad(key, String.class, () -> {
                                        loadedHere[0] = true;
                                        loads.incrementAndGet();
                                        Thread.sleep(load.toMillis());
                                        return "value";
                                    });
                                case POLL_50MS ->
                                    pollEvery50ms(cache, view, key, landedAt, () -> {
                                        loadedHere[0] = true;
                                        loads.incrementAndGet();
                                        Thread.sleep(load.toMillis());
                                        return "value";
                                    });
                            };
                            if (!"value".equals(value)) {
                                throw new IllegalStateException("wrong value " + value);
                            }
                            return new long[] {System.nanoTime(), loadedHere[0] ? 1 : 0};
                        }));
                    }
                }
                go.countDown();
                List<long[]> done = new ArrayList<>();
                for (Future<long[]> call : calls) {
                    done.add(call.get());
                }
                loadsPerRound.add(loads.get());
                long landed = landedAt.get();
                for (long[] d : done) {
                    if (d[1] == 0) {
                        afterLanding.add(Math.max(0, d[0] - landed));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
            caches.forEach(Cache::close);
        }
        return new Result(loadsPerRound, afterLanding);
    }

    /** The original program's protocol, written against the same cache for comparison. */
    private static String pollEvery50ms(
            Cache cache, TaggedCache view, String key, AtomicLong landedAt, Loader<String> loader) throws Exception {
        while (true) {
            Lookup<String> found = view.get(key, String.class);
            if (found.isHit()) {
                return found.value();
            }
            Optional<HeldLock> lock = cache.lock("poll:" + key).tryAcquire();
            if (lock.isPresent()) {
                try (HeldLock held = lock.get()) {
                    String value = loader.load();
                    view.put(key, value);
                    landedAt.compareAndSet(0, System.nanoTime());
                    return value;
                }
            }
            Thread.sleep(50);
        }
    }
}
