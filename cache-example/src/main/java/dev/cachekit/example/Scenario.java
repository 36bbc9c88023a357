package dev.cachekit.example;

import dev.cachekit.Cache;
import dev.cachekit.TaggedCache;
import dev.cachekit.codec.KryoCodec;
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
 */
final class Scenario {

    static final String KEY = "user:1";
    static final String[] TAGS = {"users", "user:1"};

    /** What one worker saw. */
    record WorkerOutcome(int worker, User user, long askedAtNanos, long gotAtNanos) {
        Duration waited() {
            return Duration.ofNanos(gotAtNanos - askedAtNanos);
        }
    }

    /** What one round of all workers saw. */
    record Round(String title, int databaseLoads, long startNanos, List<WorkerOutcome> outcomes) {

        boolean everyWorkerGotUser1() {
            return outcomes.stream().allMatch(o -> o.user() != null && o.user().id() == 1);
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

    /** Both rounds, and the backend they ran on. */
    record Result(String backend, List<Round> rounds) {}

    private final String uri;
    private final int workers;
    private final SlowDatabase database;
    private final PrintStream out;

    Scenario(String uri, int workers, Duration loadTime, PrintStream out) {
        this.uri = uri;
        this.workers = workers;
        this.database = new SlowDatabase(loadTime);
        this.out = out;
    }

    Result run() throws InterruptedException {
        Timeline timeline = new Timeline(out);
        try (Cache cache = Cache.builder()
                .uri(uri)
                .codec(KryoCodec.builder().allowClass(User.class).build())
                .listener(timeline)
                .build()) {
            TaggedCache users = cache.tags(TAGS);
            List<Round> rounds = new ArrayList<>();
            rounds.add(round("Round 1: " + workers + " workers ask for " + KEY, users, timeline, cache.describe()));
            out.println();
            out.println("Flushing tag user:1: every entry tagged user:1 is now stale");
            cache.tags("user:1").flush();
            out.println();
            rounds.add(round(
                    "Round 2: after the flush, " + workers + " workers ask again", users, timeline, cache.describe()));
            return new Result(cache.describe(), rounds);
        }
    }

    private Round round(String title, TaggedCache users, Timeline timeline, String backend)
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
                timeline.say("asks for " + KEY);
                User user = users.getOrLoad(KEY, User.class, () -> database.findUser(1));
                long got = System.nanoTime();
                timeline.say("done: " + user + " after "
                        + Duration.ofNanos(got - asked).toMillis() + " ms");
                return new WorkerOutcome(worker, user, asked, got);
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
        out.printf(
                "Summary: database loads %d, workers with user 1 %d of %d, time to first value %d ms,"
                        + " wait median %d ms, max %d ms, backend %s%n",
                round.databaseLoads(),
                outcomes.stream().filter(o -> o.user() != null).count(),
                workers,
                round.timeToFirstValue().toMillis(),
                round.medianWait().toMillis(),
                round.maxWait().toMillis(),
                backend);
        return round;
    }
}
