package dev.cachekit.bench;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import dev.cachekit.hazelcast.HazelcastBackends;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.tck.ServerProcess;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Counts what {@code getOrLoadAll} of 100 cold keys costs: loader calls, and the calls the cache
 * makes on the store and on the locker SPI, against
 * 100 {@code getOrLoad} calls of the same cold keys. Counts, not timings: the same figures on any
 * machine. One wall-clock time per run (after a first pass that warms the JIT) is printed as an
 * indication only. On Redis each call is one round trip (a script or a pipeline for the batch
 * calls); a backend that loops a batch call (memcached's and Hazelcast's {@code releaseAll},
 * Hazelcast's {@code tryAcquireAll}) makes several behind one call.
 *
 * <pre>
 * java -cp cache-benchmarks/target/benchmarks.jar dev.cachekit.bench.BulkLoadCost [redis memcached hazelcast memory]
 * </pre>
 */
public final class BulkLoadCost {

    /** Locker methods that do not reach the store. */
    private static final Set<String> LOCAL = Set.of("signalsRelease", "toString", "hashCode", "equals");

    private BulkLoadCost() {}

    /**
     * Prints one line per store and way of loading.
     *
     * @param args the stores; all four when none is given
     */
    public static void main(String[] args) {
        List<String> stores = args.length == 0 ? List.of("redis", "memcached", "hazelcast", "memory") : List.of(args);
        for (String store : stores) {
            for (Result result : measure(store, 100)) {
                System.out.println(store + ": " + result);
            }
        }
    }

    /** What one way of loading {@code keys} cold keys cost. */
    record Result(
            String way,
            int keys,
            int loaderCalls,
            Map<String, Integer> storeCalls,
            Map<String, Integer> lockerCalls,
            double millis) {

        int storeTotal() {
            return storeCalls.values().stream().mapToInt(Integer::intValue).sum();
        }

        int lockerTotal() {
            return lockerCalls.values().stream().mapToInt(Integer::intValue).sum();
        }

        @Override
        public String toString() {
            return String.format(
                    "%s of %d cold keys: %d loader call(s); %d store calls %s; %d locker calls %s; %.1f ms",
                    way, keys, loaderCalls, storeTotal(), storeCalls, lockerTotal(), lockerCalls, millis);
        }
    }

    /** Measures getOrLoadAll, then a loop of getOrLoad, of {@code count} cold keys on a fresh server. */
    static List<Result> measure(String store, int count) {
        List<Result> results = new ArrayList<>();
        try (Server server = Server.start(store)) {
            // A first pass of each warms the JIT; the second, on fresh cold keys, is the one reported.
            run(server, "getOrLoadAll", count, true);
            run(server, "getOrLoad x " + count, count, false);
            results.add(run(server, "getOrLoadAll", count, true));
            results.add(run(server, "getOrLoad x " + count, count, false));
        }
        return results;
    }

    private static Result run(Server server, String way, int count, boolean bulk) {
        Map<String, AtomicInteger> storeCalls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> lockerCalls = new ConcurrentHashMap<>();
        Backend opened = server.backend.get();
        Store store = counting(Store.class, opened.store(), storeCalls, Set.of("capabilities", "describe"));
        Locker locker = counting(Locker.class, opened.locker(), lockerCalls, LOCAL);
        String prefix = "bulk" + System.nanoTime() + ":";
        try (Cache cache = Caches.builder()
                .backend(Backend.builder(store)
                        .tagger(opened.tagger())
                        .locker(locker)
                        .closeWith(opened)
                        .build())
                .keyPrefix(prefix)
                .build()) {
            // Warm the connections and the scripts on keys of their own, then count from zero.
            cache.getOrLoadAll(List.of("warm-a", "warm-b"), String.class, BulkLoadCost::values);
            cache.getOrLoad("warm-c", String.class, () -> "w");
            storeCalls.clear();
            lockerCalls.clear();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                keys.add("user:" + i);
            }
            AtomicInteger loaderCalls = new AtomicInteger();
            long started = System.nanoTime();
            if (bulk) {
                Map<String, String> values = cache.getOrLoadAll(keys, String.class, wanted -> {
                    loaderCalls.incrementAndGet();
                    return values(wanted);
                });
                check(values.size() == count, "getOrLoadAll returned " + values.size() + " values");
            } else {
                for (String key : keys) {
                    cache.getOrLoad(key, String.class, () -> {
                        loaderCalls.incrementAndGet();
                        return "v-" + key;
                    });
                }
            }
            double millis = (System.nanoTime() - started) / 1e6;
            return new Result(way, count, loaderCalls.get(), snapshot(storeCalls), snapshot(lockerCalls), millis);
        }
    }

    private static Map<String, String> values(Set<String> keys) {
        Map<String, String> values = new HashMap<>();
        keys.forEach(key -> values.put(key, "v-" + key));
        return values;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> calls) {
        Map<String, Integer> sorted = new TreeMap<>();
        calls.forEach((method, n) -> sorted.put(method, n.get()));
        return sorted;
    }

    @SuppressWarnings("unchecked")
    private static <T> T counting(Class<T> type, T delegate, Map<String, AtomicInteger> calls, Set<String> local) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (!local.contains(method.getName())) {
                calls.computeIfAbsent(method.getName(), name -> new AtomicInteger())
                        .incrementAndGet();
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    /** A server started for the run, and how to open a backend (one "node") on it. */
    private record Server(Supplier<Backend> backend, AutoCloseable stop) implements AutoCloseable {
        static Server start(String store) {
            return switch (store) {
                case "redis" -> {
                    ServerProcess redis = ServerProcess.redis();
                    yield new Server(() -> Caches.backend("redis://" + redis.address()), redis);
                }
                case "memcached" -> {
                    ServerProcess memcached = ServerProcess.memcached(Map.of());
                    yield new Server(() -> Caches.backend("memcached://" + memcached.address()), memcached);
                }
                case "hazelcast" -> {
                    com.hazelcast.core.HazelcastInstance member = BenchTarget.startMember();
                    yield new Server(() -> HazelcastBackends.of(member), member::shutdown);
                }
                case "memory" -> {
                    String space = "bulk-" + System.nanoTime();
                    yield new Server(() -> Caches.backend("memory://" + space), () -> {});
                }
                default -> throw new IllegalArgumentException("unknown store '" + store + "'");
            };
        }

        @Override
        public void close() {
            try {
                stop.close();
            } catch (Exception e) {
                throw new IllegalStateException("stopping the server failed", e);
            }
        }
    }
}
