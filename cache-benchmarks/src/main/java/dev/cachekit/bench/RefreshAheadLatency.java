package dev.cachekit.bench;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.UriOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures a hot key across its expiries on Redis, in real time: {@code nodes} caches (each with
 * its own connections, as separate processes would have) times {@code threads} callers reading
 * one key with {@code getOrLoad} for {@code expiries} TTLs, each caller pausing {@code pause}
 * between reads. Runs three phases in one run: refresh-ahead off (each expiry is a miss that one
 * caller loads and the others wait for), refresh-ahead on ({@code refreshAhead=<fraction>}), and a
 * plain hit (a key that never expires during the phase), after a warm-up, and prints for each the callers that waited
 * for a load, the loader's runs and how many ever ran at once, and the read latency p50/p99/max.
 *
 * <pre>
 * java -cp cache-benchmarks/target/benchmarks.jar dev.cachekit.bench.RefreshAheadLatency \
 *     --nodes 2 --threads 16 --ttl 2s --fraction 0.5 --expiries 10 --load 50ms --pause 1ms
 * </pre>
 */
public final class RefreshAheadLatency {

    private RefreshAheadLatency() {}

    /**
     * Runs the three phases and prints one line each, then the p99 ratio.
     *
     * @param args {@code --nodes N}, {@code --threads N}, {@code --ttl DURATION}, {@code --fraction
     *     F}, {@code --expiries N}, {@code --load DURATION}, {@code --pause DURATION}
     * @throws Exception if a phase fails
     */
    public static void main(String[] args) throws Exception {
        int nodes = 2;
        int threads = 16;
        Duration ttl = Duration.ofSeconds(2);
        String fraction = "0.5";
        int expiries = 10;
        Duration load = Duration.ofMillis(50);
        Duration pause = Duration.ofMillis(1);
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--ttl" -> ttl = UriOptions.parseDuration(args[i + 1]);
                case "--fraction" -> fraction = args[i + 1];
                case "--expiries" -> expiries = Integer.parseInt(args[i + 1]);
                case "--load" -> load = UriOptions.parseDuration(args[i + 1]);
                case "--pause" -> pause = UriOptions.parseDuration(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Duration run = ttl.multipliedBy(expiries);
        System.out.printf(
                "hot key on redis: %d nodes x %d threads, TTL %d ms, %d expiries (%d s), load %d ms, pause %d ms%n",
                nodes, threads, ttl.toMillis(), expiries, run.toSeconds(), load.toMillis(), pause.toMillis());
        try (BenchTarget.Redis redis = BenchTarget.startRedis()) {
            // Warms the JIT and the connections, so the first phase measured is not the coldest.
            measure(redis, "off", nodes, threads, Duration.ofHours(1), run.dividedBy(2), load, pause, "warm-up");
            Result off = measure(redis, "off", nodes, threads, ttl, run, load, pause, "refresh off");
            Result on = measure(redis, fraction, nodes, threads, ttl, run, load, pause, "refreshAhead=" + fraction);
            Result hit = measure(redis, "off", nodes, threads, Duration.ofHours(1), run, load, pause, "plain hit");
            for (Result result : List.of(off, on, hit)) {
                System.out.println(result);
            }
            System.out.printf(
                    "read p99 with refreshAhead=%s: %.2fx a plain hit's (%.3f ms vs %.3f ms)%n",
                    fraction, on.p99() / hit.p99(), on.p99(), hit.p99());
        }
    }

    /** What one phase measured. */
    record Result(
            String label,
            long reads,
            int waited,
            int loads,
            int refreshes,
            int maxConcurrentLoads,
            int expiries,
            long[] sortedNanos) {
        double percentile(double p) {
            int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p / 100 * sortedNanos.length) - 1);
            return sortedNanos[Math.max(0, index)] / 1e6;
        }

        double p99() {
            return percentile(99);
        }

        @Override
        public String toString() {
            return String.format(
                    "%-20s %,d reads; callers that waited for a load: %d; loader runs: %d (%d of them refreshes,"
                            + " at most %d at once) over %d expiries; read p50 %.3f ms, p99 %.3f ms, max %.1f ms",
                    label,
                    reads,
                    waited,
                    loads,
                    refreshes,
                    maxConcurrentLoads,
                    expiries,
                    percentile(50),
                    percentile(99),
                    percentile(100));
        }
    }

    private static Result measure(
            BenchTarget.Redis redis,
            String refreshAhead,
            int nodes,
            int threads,
            Duration ttl,
            Duration run,
            Duration load,
            Duration pause,
            String label)
            throws Exception {
        AtomicInteger waited = new AtomicInteger();
        AtomicInteger refreshes = new AtomicInteger();
        CacheListener listener = new CacheListener() {
            @Override
            public void waitingForHolder(String key) {
                waited.incrementAndGet();
            }

            @Override
            public void joinedLoad(String key) {
                waited.incrementAndGet();
            }

            @Override
            public void refreshed(String key, Duration took) {
                refreshes.incrementAndGet();
            }
        };
        String key = "hot:" + label.replace(' ', '-') + ":" + System.nanoTime();
        AtomicInteger loads = new AtomicInteger();
        AtomicInteger loading = new AtomicInteger();
        AtomicInteger maxLoading = new AtomicInteger();
        List<Cache> caches = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(nodes * threads);
        try {
            for (int n = 0; n < nodes; n++) {
                caches.add(Caches.builder()
                        .uri("redis://" + redis.address() + "?refreshAhead=" + refreshAhead)
                        .listener(listener)
                        .build());
            }
            long loadNanos = load.toNanos();
            dev.cachekit.Loader<String> loader = () -> {
                int now = loading.incrementAndGet();
                maxLoading.accumulateAndGet(now, Math::max);
                try {
                    LockSupport.parkNanos(loadNanos);
                    return "value " + loads.incrementAndGet();
                } finally {
                    loading.decrementAndGet();
                }
            };
            caches.get(0).getOrLoad(key, String.class, ttl, loader);
            int loadsBefore = loads.get();
            int refreshesBefore = refreshes.get();
            long end = System.nanoTime() + run.toNanos();
            long pauseNanos = pause.toNanos();
            List<Future<long[]>> calls = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                Cache cache = caches.get(n);
                for (int t = 0; t < threads; t++) {
                    calls.add(pool.submit(() -> {
                        long[] took = new long[1024];
                        int count = 0;
                        while (System.nanoTime() < end) {
                            long started = System.nanoTime();
                            cache.getOrLoad(key, String.class, ttl, loader);
                            long nanos = System.nanoTime() - started;
                            if (count == took.length) {
                                took = Arrays.copyOf(took, count * 2);
                            }
                            took[count++] = nanos;
                            if (pauseNanos > 0) {
                                LockSupport.parkNanos(pauseNanos);
                            }
                        }
                        return Arrays.copyOf(took, count);
                    }));
                }
            }
            List<long[]> all = new ArrayList<>();
            int total = 0;
            for (Future<long[]> call : calls) {
                long[] took = call.get();
                all.add(took);
                total += took.length;
            }
            long[] merged = new long[total];
            int at = 0;
            for (long[] took : all) {
                System.arraycopy(took, 0, merged, at, took.length);
                at += took.length;
            }
            Arrays.sort(merged);
            // A refresh still running finishes before the counts are read.
            LockSupport.parkNanos(loadNanos * 4);
            return new Result(
                    label,
                    total,
                    waited.get(),
                    loads.get() - loadsBefore,
                    refreshes.get() - refreshesBefore,
                    maxLoading.get(),
                    (int) (run.toMillis() / ttl.toMillis()), // 0 for the plain hit: it never expires
                    merged);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            for (Cache cache : caches) {
                cache.close();
            }
        }
    }
}
