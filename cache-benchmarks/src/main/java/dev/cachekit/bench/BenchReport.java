package dev.cachekit.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every benchmark of this module and prints one Markdown report: each cachekit figure next to
 * the raw client's doing the same work in the same run, and their ratio. JMH's progress goes to
 * standard error, the report to standard output. {@code scripts/bench} runs it and adds the machine
 * and the load average.
 *
 * <pre>
 * java -cp cache-benchmarks/target/benchmarks.jar dev.cachekit.bench.BenchReport [--quick]
 * </pre>
 */
public final class BenchReport {

    private static final String ALLOCATION = "gc.alloc.rate.norm";

    /**
     * The heap, and the access Hazelcast asks for to run at its best (its startup warning lists these
     * flags); the same for cachekit and the raw client. {@code scripts/bench} gives the stampede's JVM
     * the same.
     */
    private static final String[] JVM_ARGS = {
        "-Xms512m",
        "-Xmx1g",
        "--add-modules=java.se",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.management/sun.management=ALL-UNNAMED",
        "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED"
    };

    private final boolean quick;
    private final PrintStream out = System.out;
    private final List<String> failures = new ArrayList<>();

    private BenchReport(boolean quick) {
        this.quick = quick;
    }

    /**
     * Runs the benchmarks and prints the report; exits with status 1 when a check failed (a lost
     * update under a lock, a stampede round that did not load exactly once, a benchmark error).
     *
     * @param args {@code --quick} for a short smoke run with wide error bars; nothing for the full run
     * @throws Exception if a benchmark cannot run
     */
    public static void main(String[] args) throws Exception {
        boolean quick = false;
        for (String arg : args) {
            if (arg.equals("--quick")) {
                quick = true;
            } else {
                throw new IllegalArgumentException("unknown option '" + arg + "'; use --quick or nothing");
            }
        }
        BenchReport report = new BenchReport(quick);
        report.run();
        if (!report.failures.isEmpty()) {
            System.err.println("FAILED: " + String.join("; ", report.failures));
            System.exit(1);
        }
    }

    private void run() throws Exception {
        out.printf(
                "Run: %s (JMH: warm-up %d x %s, measurement %d x %s, one fork per benchmark; stampede %d rounds).%n%n",
                quick ? "quick smoke run, figures indicative only" : "full",
                warmupIterations(),
                warmupTime(),
                measurementIterations(),
                measurementTime(),
                stampedeRounds());
        locks();
        reads();
        bulkReads();
        memoryReads();
        hazelcastRawReads();
        stampedes();
        bulkLoads();
    }

    private void locks() throws RunnerException {
        out.println("### Lock + unlock on Redis (operations per second)");
        out.println();
        out.println("cachekit `cache.lock(name).tryAcquire(30s)` then `close()`, against the original protocol on"
                + " raw Jedis (`SET key token NX PX 30000`, on failure sleep 1 ms and retry; release by a"
                + " compare-and-delete script). Each operation increments a non-atomic counter under the lock;"
                + " every iteration checks that no update was lost, and a lost update fails the run.");
        out.println();
        out.println("| threads | names | cachekit | original protocol | cachekit / original |");
        out.println("|---|---|---|---|---|");
        for (int threads : new int[] {1, 8}) {
            Collection<RunResult> results = run(jmh(LockBenchmark.class)
                    .threads(threads)
                    .param("names", "1", "8")
                    .timeUnit(TimeUnit.SECONDS));
            for (String names : List.of("1", "8")) {
                Result cachekit = score(results, "cachekit", "names", names);
                Result original = score(results, "originalProtocol", "names", names);
                out.printf(
                        "| %d | %s | %s | %s | %s |%n",
                        threads, names, format(cachekit), format(original), ratio(cachekit, original));
            }
        }
        out.println();
        out.println("Lost updates: 0 (checked after every iteration of every lock benchmark above).");
        out.println();
    }

    private void reads() throws RunnerException {
        List<String> stores = List.of("redis", "memcached", "hazelcast", "memory");
        Collection<RunResult> results = run(jmh(TaggedReadBenchmark.class)
                .param("store", stores.toArray(String[]::new))
                .addProfiler(GCProfiler.class));
        out.println("### Reads (operations per millisecond, 4 threads)");
        out.println();
        out.println("The raw get reads one value as large as the cache's entry; the raw multi-get reads four keys,"
                + " what a read under three tags amounts to (the entry and the tags' versions). Hazelcast is a"
                + " member embedded in the benchmark's JVM. On `memory` (the in-process store, no network) the raw"
                + " side is a Caffeine cache that copies the bytes it returns, as the store does, so the gap"
                + " is cachekit's own CPU per read (broken down in the next table).");
        out.println();
        out.println("| store | raw get | raw multi-get of 4 | cachekit get | cachekit get, 3 tags"
                + " | get / raw get | tagged / raw multi-get | tagged / raw get |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (String store : stores) {
            Result rawGet = score(results, "rawGet", "store", store);
            Result rawMulti = score(results, "rawMultiGet4", "store", store);
            Result get = score(results, "cachekitGet", "store", store);
            Result tagged = score(results, "cachekitTaggedGet", "store", store);
            out.printf(
                    "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    store,
                    format(rawGet),
                    format(rawMulti),
                    format(get),
                    format(tagged),
                    ratio(get, rawGet),
                    ratio(tagged, rawMulti),
                    ratio(tagged, rawGet));
        }
        out.println();
        out.println("Allocation per read (JMH `-prof gc`, `" + ALLOCATION + "`, bytes per operation; on Hazelcast it"
                + " includes what the embedded member allocates to serve the read):");
        out.println();
        out.println(
                "| store | raw get | raw multi-get of 4 | cachekit get | cachekit get, 3 tags | tagged / raw multi-get |");
        out.println("|---|---|---|---|---|---|");
        for (String store : stores) {
            Result rawGet = allocation(results, "rawGet", store);
            Result rawMulti = allocation(results, "rawMultiGet4", store);
            Result get = allocation(results, "cachekitGet", store);
            Result tagged = allocation(results, "cachekitTaggedGet", store);
            out.printf(
                    "| %s | %s | %s | %s | %s | %s |%n",
                    store, bytes(rawGet), bytes(rawMulti), bytes(get), bytes(tagged), ratio(tagged, rawMulti));
        }
        out.println();
    }

    private void bulkReads() throws RunnerException {
        List<String> stores = List.of("redis", "memcached");
        List<String> sizes = List.of("10", "100");
        Collection<RunResult> results = run(jmh(BulkReadBenchmark.class)
                .param("store", stores.toArray(String[]::new))
                .param("keys", sizes.toArray(String[]::new)));
        out.println("### Bulk reads (calls per millisecond, 4 threads)");
        out.println();
        out.println("`getAll` of 10 and 100 keys, all hits, against the raw client's multi-get of as many keys holding"
                + " values as large as the cache's entries (`MGET` on Redis, `getBulk` on memcached). A tagged"
                + " `getAll` (3 tags) sends the entries and the tags' versions in one multi-get, so it is also"
                + " set against the raw multi-get of those 3 keys more.");
        out.println();
        out.println("| store | keys | raw multi-get | raw multi-get + 3 | cachekit getAll | cachekit getAll, 3 tags"
                + " | getAll / raw | tagged / raw + 3 | tagged / raw |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        for (String store : stores) {
            for (String size : sizes) {
                Result raw = bulkScore(results, "rawMultiGet", store, size);
                Result rawPlus = bulkScore(results, "rawMultiGetPlusThree", store, size);
                Result getAll = bulkScore(results, "cachekitGetAll", store, size);
                Result tagged = bulkScore(results, "cachekitTaggedGetAll", store, size);
                out.printf(
                        "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        store,
                        size,
                        format(raw),
                        format(rawPlus),
                        format(getAll),
                        format(tagged),
                        ratio(getAll, raw),
                        ratio(tagged, rawPlus),
                        ratio(tagged, raw));
            }
        }
        out.println();
    }

    private static Result bulkScore(Collection<RunResult> results, String method, String store, String keys) {
        for (RunResult result : results) {
            if (result.getParams().getBenchmark().endsWith("." + method)
                    && store.equals(result.getParams().getParam("store"))
                    && keys.equals(result.getParams().getParam("keys"))) {
                return result.getPrimaryResult();
            }
        }
        throw new IllegalStateException("no result for " + method + " store=" + store + " keys=" + keys);
    }

    private void memoryReads() throws RunnerException {
        Collection<RunResult> results = run(jmh(MemoryReadBenchmark.class).addProfiler(GCProfiler.class));
        out.println("### In-process store: what cachekit adds to a Caffeine read (nanoseconds per read, 1 thread)");
        out.println();
        out.println("`memory:` keeps its data in Caffeine; the raw side is a Caffeine cache bounded like the store"
                + " (10,000 entries) holding a value as large as the cache's entry. Each step adds one layer.");
        out.println();
        out.println("| read | ns per read | bytes per read | / Caffeine `getIfPresent` |");
        out.println("|---|---|---|---|");
        Result floor = score(results, "caffeineGetIfPresent", null, null);
        for (String[] step : new String[][] {
            {"caffeineGetIfPresent", "Caffeine `getIfPresent`, no copy"},
            {"caffeineGetIfPresentCopy", "Caffeine `getIfPresent` + copy (what a store must return)"},
            {"caffeineLikeTheStoreGetIfPresentCopy", "the same on Caffeine configured as the store (weigher, expiry)"},
            {"storeGet", "`memory:` store `get`"},
            {"cachekitGet", "cachekit `get`"},
            {"caffeineGetIfPresent4Copy", "4 Caffeine `getIfPresent` + copy (entry and 3 tags)"},
            {"cachekitTaggedGet", "cachekit `get`, 3 tags"}
        }) {
            Result result = score(results, step[0], null, null);
            out.printf(
                    "| %s | %s | %s | %s |%n",
                    step[1], format(result), bytes(secondary(results, step[0], null, null)), ratio(result, floor));
        }
        out.println();
    }

    private void hazelcastRawReads() throws RunnerException {
        Collection<RunResult> results = run(jmh(HazelcastReadBenchmark.class).addProfiler(GCProfiler.class));
        out.println("### Hazelcast embedded member: raw ways to read an entry and 3 tags (4 keys, 4 partitions)");
        out.println();
        out.println("| read | operations per ms | / one get | bytes per operation |");
        out.println("|---|---|---|---|");
        Result one = score(results, "get1", null, null);
        for (String[] way : new String[][] {
            {"get1", "one `get` (the yardstick)"},
            {"getAll4", "`getAll` of 4 keys"},
            {"getAsync4", "4 `getAsync` sent together, then joined"},
            {"get4InSequence", "4 `get` in sequence"}
        }) {
            Result result = score(results, way[0], null, null);
            out.printf(
                    "| %s | %s | %s | %s |%n",
                    way[1], format(result), ratio(result, one), bytes(secondary(results, way[0], null, null)));
        }
        out.println();
    }

    private void stampedes() throws Exception {
        int rounds = stampedeRounds();
        out.println("### Stampede: 2 caches (own connections) x 50 threads on one cold key, 200 ms load, " + rounds
                + " rounds");
        out.println();
        out.println("How long after the value landed in the store the waiters had it (milliseconds), and how many"
                + " times the loader ran per round. cachekit must load exactly once per round; the original"
                + " protocol (read, on a miss try the lock, on failure sleep 50 ms and read again) runs through"
                + " the same cache.");
        out.println();
        out.println("| store | cachekit p50 / p99 | cachekit loads per round | original 50 ms poll p50 / p99"
                + " | original loads per round | p99 cachekit / original |");
        out.println("|---|---|---|---|---|---|");
        for (String store : List.of("redis", "memcached", "hazelcast")) {
            System.err.println("# stampede on " + store);
            StampedeLatency.Result cachekit;
            StampedeLatency.Result poll;
            try (BenchTarget target = BenchTarget.start(store)) {
                cachekit = StampedeLatency.measure(
                        target, StampedeLatency.Protocol.GET_OR_LOAD, 2, 50, Duration.ofMillis(200), rounds);
                poll = StampedeLatency.measure(
                        target, StampedeLatency.Protocol.POLL_50MS, 2, 50, Duration.ofMillis(200), rounds);
            }
            if (!cachekit.loadedOncePerRound()) {
                failures.add("stampede on " + store + " loaded " + cachekit.loadsPerRound() + " times per round");
            }
            out.printf(
                    "| %s | %.1f / %.1f | %s | %.1f / %.1f | %s | %.2fx |%n",
                    store,
                    cachekit.percentile(50),
                    cachekit.percentile(99),
                    loads(cachekit),
                    poll.percentile(50),
                    poll.percentile(99),
                    loads(poll),
                    cachekit.percentile(99) / poll.percentile(99));
        }
        out.println();
    }

    private void bulkLoads() {
        out.println("### getOrLoadAll of 100 cold keys (counted, not timed)");
        out.println();
        out.println("Loader calls, and the calls the cache made on the store and locker SPI, for one `getOrLoadAll`"
                + " of 100 cold keys against 100 `getOrLoad` calls of the same keys; `BulkLoadCost` runs it alone."
                + " On Redis each call is one round trip (a script or a pipeline for the batch calls); memcached"
                + " pipelines `tryAcquireAll` but loops `releaseAll`, Hazelcast loops both. The time is one run"
                + " after a warm-up pass, an indication only.");
        out.println();
        out.println("| store | way | loader calls | store calls | locker calls | ms |");
        out.println("|---|---|---|---|---|---|");
        for (String store : List.of("redis", "memcached", "hazelcast", "memory")) {
            System.err.println("# bulk load cost on " + store);
            for (BulkLoadCost.Result result : BulkLoadCost.measure(store, 100)) {
                if (result.way().equals("getOrLoadAll") && result.loaderCalls() != 1) {
                    failures.add("getOrLoadAll on " + store + " called the loader " + result.loaderCalls() + " times");
                }
                out.printf(
                        "| %s | %s | %d | %d %s | %d %s | %.1f |%n",
                        store,
                        result.way(),
                        result.loaderCalls(),
                        result.storeTotal(),
                        result.storeCalls(),
                        result.lockerTotal(),
                        result.lockerCalls(),
                        result.millis());
            }
        }
        out.println();
    }

    private static String loads(StampedeLatency.Result result) {
        String all = result.loadsPerRound().toString();
        return result.loadedOncePerRound() ? "1 in every round" : "**" + all + "**";
    }

    private ChainedOptionsBuilder jmh(Class<?> benchmark) {
        return new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .warmupIterations(warmupIterations())
                .warmupTime(warmupTime())
                .measurementIterations(measurementIterations())
                .measurementTime(measurementTime())
                .forks(1)
                .jvmArgs(JVM_ARGS)
                .shouldFailOnError(true);
    }

    private Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        try {
            return new Runner(options.build(), OutputFormatFactory.createFormatInstance(System.err, VerboseMode.NORMAL))
                    .run();
        } catch (RunnerException e) {
            // The benchmark's own message (a lost update, a lock never acquired) is on standard error above.
            throw new RunnerException("a benchmark failed; its error is printed above", e);
        }
    }

    private int warmupIterations() {
        return quick ? 1 : 2;
    }

    private TimeValue warmupTime() {
        return quick ? TimeValue.milliseconds(500) : TimeValue.seconds(2);
    }

    private int measurementIterations() {
        return quick ? 1 : 3;
    }

    private TimeValue measurementTime() {
        return quick ? TimeValue.seconds(1) : TimeValue.seconds(3);
    }

    private int stampedeRounds() {
        return quick ? 3 : 10;
    }

    private static Result score(Collection<RunResult> results, String method, String param, String value) {
        return find(results, method, param, value).getPrimaryResult();
    }

    private static Result allocation(Collection<RunResult> results, String method, String store) {
        return secondary(results, method, "store", store);
    }

    private static Result secondary(Collection<RunResult> results, String method, String param, String value) {
        Result result =
                find(results, method, param, value).getSecondaryResults().get(ALLOCATION);
        if (result == null) {
            throw new IllegalStateException("no " + ALLOCATION + " for " + method + "; is the gc profiler on?");
        }
        return result;
    }

    private static RunResult find(Collection<RunResult> results, String method, String param, String value) {
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            if (name.endsWith("." + method)
                    && (param == null || value.equals(result.getParams().getParam(param)))) {
                return result;
            }
        }
        throw new IllegalStateException("no result for " + method + (param == null ? "" : " " + param + "=" + value));
    }

    private static String format(Result result) {
        double error = result.getScoreError();
        String score = String.format(Locale.ROOT, "%,.1f", result.getScore());
        return Double.isNaN(error) ? score : score + String.format(Locale.ROOT, " ± %,.1f", error);
    }

    private static String bytes(Result result) {
        return String.format(Locale.ROOT, "%,.0f", result.getScore());
    }

    private static String ratio(Result a, Result b) {
        return String.format(Locale.ROOT, "%.2fx", a.getScore() / b.getScore());
    }
}
