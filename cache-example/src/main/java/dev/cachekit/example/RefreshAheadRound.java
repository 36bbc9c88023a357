package dev.cachekit.example;

import dev.cachekit.Cache;
import dev.cachekit.CacheView;
import dev.cachekit.RefreshAhead;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The refresh-ahead round: a hot key whose TTL is four loads long, read by every worker, over a
 * view with {@code RefreshAhead.at(0.5)}, past the moment its first value would have expired. Once
 * half its TTL has passed, one read starts a reload in the background and every read, that one
 * included, returns the current value at once: no caller ever waits for the database.
 */
final class RefreshAheadRound {

    /** The fraction of the TTL after which a read refreshes. */
    static final double FRACTION = 0.5;

    /**
     * What the round saw.
     *
     * @param reads reads by the workers
     * @param waits reads that waited for a load (joined this process's or waited for a lock holder)
     * @param backgroundLoads database loads during the reads, all of them refreshes
     * @param rounds the distinct values the reads returned (the first load's, then each refresh's)
     * @param longestReadMillis the longest read
     */
    record Outcome(int reads, int waits, int backgroundLoads, long rounds, long longestReadMillis) {}

    private final int workers;
    private final Duration loadTime;
    private final SlowDatabase database;
    private final Timeline timeline;
    private final PrintStream out;
    private final String process;

    RefreshAheadRound(
            int workers, Duration loadTime, SlowDatabase database, Timeline timeline, PrintStream out, String process) {
        this.workers = workers;
        this.loadTime = loadTime;
        this.database = database;
        this.timeline = timeline;
        this.out = out;
        this.process = process;
    }

    /** The TTL of the round's entry: four loads, and at least a second. */
    Duration ttl() {
        Duration four = loadTime.multipliedBy(4);
        return four.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : four;
    }

    Outcome run(Cache cache) throws InterruptedException {
        // One key per process: this round shows one process's callers, not the other's.
        String key = "user:1:profile:" + process.replace(' ', '-');
        Duration ttl = ttl();
        CacheView hot = cache.withRefreshAhead(RefreshAhead.at(FRACTION));
        out.printf(
                "Round 3: refresh-ahead (RefreshAhead.at(%s), URI option refreshAhead=%s): %d workers read %s,"
                        + " TTL %d ms, for %d ms, past the time its first value expires%n",
                FRACTION,
                FRACTION,
                workers,
                key,
                ttl.toMillis(),
                ttl.multipliedBy(6).dividedBy(5).toMillis());
        cache.remove(key);
        timeline.startRound();
        hot.getOrLoad(key, User.class, ttl, () -> database.findUser(1, 3));
        out.println("  the first load is a plain miss; from here on, watch the workers");
        int loadsBefore = database.loads();
        int waitsBefore = timeline.waits();
        // Past the first value's expiry (1x TTL), before a second refresh window (1.25x TTL) opens.
        long end = System.nanoTime() + ttl.multipliedBy(6).dividedBy(5).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<long[]>> futures = new ArrayList<>();
        Set<String> values = ConcurrentHashMap.newKeySet();
        AtomicInteger round = new AtomicInteger(4);
        for (int i = 1; i <= workers; i++) {
            int worker = i;
            futures.add(pool.submit(() -> {
                Timeline.actAs(worker);
                long reads = 0;
                long longest = 0;
                while (System.nanoTime() < end) {
                    long started = System.nanoTime();
                    User user =
                            hot.getOrLoad(key, User.class, ttl, () -> database.findUser(1, round.getAndIncrement()));
                    longest = Math.max(longest, System.nanoTime() - started);
                    values.add(user.loadId());
                    reads++;
                    Thread.sleep(10);
                }
                return new long[] {reads, longest};
            }));
        }
        int reads = 0;
        long longest = 0;
        try {
            for (Future<long[]> future : futures) {
                long[] result = future.get();
                reads += (int) result[0];
                longest = Math.max(longest, result[1]);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a worker failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Outcome outcome = new Outcome(
                reads,
                timeline.waits() - waitsBefore,
                database.loads() - loadsBefore,
                values.size(),
                Duration.ofNanos(longest).toMillis());
        out.printf(
                "Summary: %d reads, %d of them waited for a load; %d database %s, in the background; %d values"
                        + " served (the first load's, then each refresh's); longest read %d ms, a load takes %d ms%n",
                outcome.reads(),
                outcome.waits(),
                outcome.backgroundLoads(),
                outcome.backgroundLoads() == 1 ? "load" : "loads",
                outcome.rounds(),
                outcome.longestReadMillis(),
                loadTime.toMillis());
        return outcome;
    }
}
