package dev.cachekit.example;

import dev.cachekit.Cache;
import dev.cachekit.TaggedCache;
import dev.cachekit.codec.KryoCodec;
import dev.cachekit.core.Caches;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The stampede scenario: {@code workers} threads ask at once for user 1 under the tags {@code users}
 * and {@code user:1}; the one that gets the lock loads it from a slow database, the others wait for
 * its value. Then the {@code user:1} tag is flushed and the workers ask again: one fresh load.
 *
 * <p>Several processes on one store share the rounds: the process whose load round 1 read owns the
 * flush (after {@code settle}, so that the others finish round 1 first) and marks it done in the
 * cache; the others wait for that mark before their round 2. So each round is one load across all
 * of them, and every value says which process loaded it.
 */
final class Scenario {

    static final String KEY = "user:1";
    static final String[] TAGS = {"users", "user:1"};
    /** How long a process that does not own the flush waits for it before flushing itself. */
    static final Duration FLUSH_WAIT = Duration.ofSeconds(30);
    /** The key whose presence says that the flush after the load {@code loadId} is done. */
    static final String FLUSHED_PREFIX = "example:flushed-after:";

    /** What one worker saw; {@code loaded} if its own call loaded the value from the database. */
    record WorkerOutcome(int worker, User user, boolean loaded, long askedAtNanos, long gotAtNanos) {
        Duration waited() {
            return Duration.ofNanos(gotAtNanos - askedAtNanos);
        }
    }

    /** What one round of all workers saw. */
    record Round(String title, int databaseLoads, long startNanos, List<WorkerOutcome> outcomes) {

        /** The value the workers got (the first worker's), or {@code null} if none got one. */
        User value() {
            return outcomes.stream()
                    .map(WorkerOutcome::user)
                    .filter(u -> u != null)
                    .findFirst()
                    .orElse(null);
        }

        boolean everyWorkerGotUser1() {
            return workersWithUser1() == outcomes.size();
        }

        long workersWithUser1() {
            return outcomes.stream()
                    .filter(o -> o.user() != null && o.user().id() == 1)
                    .count();
        }

        /** The contrast the example is about: the callers, the loads, and the loads without the lock. */
        String loads() {
            User value = value();
            return loads(outcomes.size(), databaseLoads, value == null ? null : value.loadedBy());
        }

        static String loads(int callers, int loads, String loadedBy) {
            String text = callers
                    + (callers == 1 ? " caller, " : " callers, ")
                    + loads
                    + (loads == 1 ? " database load" : " database loads");
            if (loads == 0) {
                text += " in this process: the value came from " + (loadedBy == null ? "another process" : loadedBy)
                        + "'s load";
            }
            return text + "; without the lock: up to " + callers;
        }

        Duration timeToFirstValue() {
            long first =
                    outcomes.stream().mapToLong(WorkerOutcome::gotAtNanos).min().orElse(startNanos);
            return Duration.ofNanos(first - startNanos);
        }

        Duration medianWait() {
            List<Duration> waits = sortedWaits();
            return waits.isEmpty() ? Duration.ZERO : waits.get((waits.size() - 1) / 2);
        }

        Duration maxWait() {
            List<Duration> waits = sortedWaits();
            return waits.isEmpty() ? Duration.ZERO : waits.get(waits.size() - 1);
        }

        private List<Duration> sortedWaits() {
            return outcomes.stream()
                    .map(WorkerOutcome::waited)
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
    }

    /** Both rounds, the refresh-ahead round after them, and the backend they ran on. */
    record Result(String backend, List<Round> rounds, RefreshAheadRound.Outcome refreshAhead) {}

    private final String uri;
    private final int workers;
    private final String process;
    private final Duration settle;
    private final Duration loadTime;
    private final SlowDatabase database;
    private final PrintStream out;
    private final boolean verbose;

    /**
     * A scenario run by {@code process}.
     *
     * @param process this process's name in the output ({@code process 4242})
     * @param settle how long the owner of the flush lets other processes finish round 1
     */
    Scenario(
            String uri,
            int workers,
            Duration loadTime,
            String process,
            Duration settle,
            PrintStream out,
            boolean verbose) {
        this.uri = uri;
        this.workers = workers;
        this.process = process;
        this.settle = settle;
        this.loadTime = loadTime;
        this.database = new SlowDatabase(loadTime, process);
        this.out = out;
        this.verbose = verbose;
    }

    /** This JVM's name in the output. */
    static String thisProcess() {
        return "process " + ProcessHandle.current().pid();
    }

    Result run() throws InterruptedException {
        Timeline timeline = new Timeline(out, verbose);
        try (Cache cache = Caches.builder()
                .uri(uri)
                .codec(KryoCodec.builder().allowClass(User.class).build())
                .listener(timeline)
                .build()) {
            TaggedCache users = cache.tags(TAGS);
            List<Round> rounds = new ArrayList<>();
            rounds.add(round(1, "Round 1: " + workers + " workers ask for " + KEY, users, timeline, cache.describe()));
            out.println();
            flushOnce(cache, rounds.get(0).value());
            out.println();
            rounds.add(round(
                    2,
                    "Round 2: after the flush, " + workers + " workers ask again",
                    users,
                    timeline,
                    cache.describe()));
            out.println();
            RefreshAheadRound.Outcome refreshAhead =
                    new RefreshAheadRound(workers, loadTime, database, timeline, out, process).run(cache);
            return new Result(cache.describe(), rounds, refreshAhead);
        }
    }

    /**
     * Flushes tag user:1 once across every process that read {@code seen} in round 1: the process
     * that loaded it flushes; the others wait for its mark.
     */
    private void flushOnce(Cache cache, User seen) throws InterruptedException {
        if (seen == null || (seen.round() == 1 && seen.loadedBy().equals(process))) {
            if (!settle.isZero()) {
                out.printf(
                        "This process loaded round 1, so it flushes tag user:1, in %d ms, once any other"
                                + " process has finished round 1%n",
                        settle.toMillis());
                Thread.sleep(settle.toMillis());
            }
            flush(cache, "Flushing tag user:1: every entry tagged user:1 is now stale");
            if (seen != null) {
                cache.put(FLUSHED_PREFIX + seen.loadId(), Boolean.TRUE, Duration.ofMinutes(10));
            }
            return;
        }
        if (seen.round() != 1) {
            flush(
                    cache,
                    "Round 1 read the value " + seen.loadedBy() + " loaded after its own flush, so that process"
                            + " is done; flushing tag user:1 here");
            return;
        }
        out.printf("Waiting for %s, which loaded round 1, to flush tag user:1%n", seen.loadedBy());
        long deadline = System.nanoTime() + FLUSH_WAIT.toNanos();
        while (!cache.get(FLUSHED_PREFIX + seen.loadId(), Boolean.class).isHit()) {
            if (System.nanoTime() - deadline > 0) {
                flush(
                        cache,
                        "No flush from " + seen.loadedBy() + " within " + FLUSH_WAIT.toSeconds()
                                + " s; flushing tag user:1 here");
                return;
            }
            Thread.sleep(10);
        }
        out.printf("%s flushed tag user:1: every entry tagged user:1 is now stale%n", seen.loadedBy());
    }

    private void flush(Cache cache, String why) {
        out.println(why);
        cache.tags("user:1").flush();
    }

    private Round round(int number, String title, TaggedCache users, Timeline timeline, String backend)
            throws InterruptedException {
        out.println(title);
        int loadsBefore = database.loads();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<WorkerOutcome>> futures = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
            int worker = i;
            futures.add(pool.submit(() -> {
                Timeline.actAs(worker);
                go.await();
                long asked = System.nanoTime();
                if (timeline.verbose()) {
                    timeline.say("asks for " + KEY);
                }
                Timeline.startCall();
                User user = users.getOrLoad(KEY, User.class, () -> database.findUser(1, number));
                long got = System.nanoTime();
                if (timeline.verbose()) {
                    timeline.say("done: " + user + " after "
                            + Duration.ofNanos(got - asked).toMillis() + " ms");
                }
                return new WorkerOutcome(worker, user, Timeline.loadedByThisCall(), asked, got);
            }));
        }
        timeline.startRound();
        long start = System.nanoTime();
        go.countDown();
        List<WorkerOutcome> outcomes = new ArrayList<>();
        try {
            for (Future<WorkerOutcome> future : futures) {
                outcomes.add(future.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a worker failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Round round = new Round(title, database.loads() - loadsBefore, start, outcomes);
        List<WorkerOutcome> others = outcomes.stream().filter(o -> !o.loaded()).toList();
        if (!others.isEmpty()) {
            long last =
                    others.stream().mapToLong(WorkerOutcome::gotAtNanos).max().orElse(start);
            Integer loader = timeline.loader();
            User value = round.value();
            String source = round.databaseLoads() == 0
                    ? "the value came from " + (value == null ? "another process" : value.loadedBy()) + "'s load"
                    : loader != null && round.databaseLoads() == 1
                            ? "from worker " + loader + "'s load"
                            : "from this process's loads";
            out.printf(
                    "  %6d ms  %s got user:1 without loading it: %s%n",
                    timeline.sinceStartMillis(last),
                    others.size() == 1 ? "1 worker" : others.size() + " workers",
                    source);
        }
        if (round.value() != null) {
            out.printf(
                    "Round %d: user:1 was loaded by %s%s%n",
                    number,
                    round.value().loadedBy(),
                    round.value().loadedBy().equals(process) ? " (this process)" : " (another process)");
        }
        out.printf(
                "Summary: %s. %d of %d workers got user 1; first value after %d ms, wait median %d ms,"
                        + " max %d ms; backend %s%n",
                round.loads(),
                round.workersWithUser1(),
                workers,
                round.timeToFirstValue().toMillis(),
                round.medianWait().toMillis(),
                round.maxWait().toMillis(),
                backend);
        return round;
    }
}
