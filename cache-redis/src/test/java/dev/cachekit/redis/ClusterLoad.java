package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.Lookup;
import dev.cachekit.StoreException;
import dev.cachekit.TaggedCache;
import dev.cachekit.spi.KeyLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Eight threads on two caches reading, writing, flushing tags and taking locks while something
 * moves the cluster under them, and the checks of what they saw:
 *
 * <ul>
 *   <li><b>no acknowledged write lost</b>: each key has one writer, which numbers its values; a read
 *       that starts after the put of number {@code n} was acknowledged must see {@code n} or later
 *       (each put is read back at once through the other cache, and other threads read too), and
 *       so must the final read of every key;
 *   <li><b>no flushed entry came back</b>: a read that starts after a flush of tag {@code T} was
 *       acknowledged must not return a value whose put under {@code T} was acknowledged before that
 *       flush began;
 *   <li><b>no lock had two holders</b>: a non-atomic counter incremented under each lock ends at the
 *       exact number of acquisitions, no holder ever finds another inside, and each lock's fencing
 *       tokens only grow;
 *   <li><b>no error but the documented ones</b>: every failure is counted by its root cause, and only
 *       {@link StoreException}s whose cause is in {@link #RETRYABLE} are allowed.
 * </ul>
 */
final class ClusterLoad {

    static final int THREADS = 8;

    /**
     * The Jedis failures a {@link StoreException} may carry while slots move or a master fails
     * over, as the README lists them: the client's retries ran out, or a connection broke.
     */
    static final List<String> RETRYABLE = List.of("JedisClusterOperationException", "JedisConnectionException");

    private static final int DURABLE_KEYS = 24;
    private static final int TAGGED_KEYS = 24;
    private static final String[] TAGS = {"red", "green", "blue"};
    private static final String[] LOCKS = {"job-0", "job-1"};
    private static final int MAX_OPERATIONS_PER_THREAD = 50_000;
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(5);

    private final Cache[] caches;
    private final AtomicBoolean stop = new AtomicBoolean();

    // Per key: the last number whose put was acknowledged, and the last one tried.
    private final AtomicLongArray durableAcked = new AtomicLongArray(DURABLE_KEYS);
    private final AtomicLongArray durableTried = new AtomicLongArray(DURABLE_KEYS);
    private final AtomicLongArray taggedAcked = new AtomicLongArray(TAGGED_KEYS);
    private final AtomicLongArray taggedTried = new AtomicLongArray(TAGGED_KEYS);
    // "key#number" -> System.nanoTime() after its tagged put returned.
    private final Map<String, Long> taggedAckedAt = new ConcurrentHashMap<>();
    // Per tag: the latest start of a flush that was acknowledged.
    private final Map<String, AtomicLong> flushedFrom = new ConcurrentHashMap<>();

    private final int[][] lockCounters = new int[LOCKS.length][1];
    private final AtomicIntegerArray acquisitions = new AtomicIntegerArray(LOCKS.length);
    private final AtomicIntegerArray holders = new AtomicIntegerArray(LOCKS.length);
    private final long[] lastToken = new long[LOCKS.length];
    private final AtomicInteger overlaps = new AtomicInteger();
    private final AtomicInteger tokenRegressions = new AtomicInteger();
    private final AtomicInteger lockTimeouts = new AtomicInteger();
    private final AtomicInteger releasesFindingLockGone = new AtomicInteger();

    private final AtomicLong attempted = new AtomicLong();
    private final Map<String, AtomicInteger> operations = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final Queue<String> violations = new ConcurrentLinkedQueue<>();
    private final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();

    /**
     * @param first a cache under a key prefix no other test writes
     * @param second a second cache, with its own client, under the same prefix
     */
    ClusterLoad(Cache first, Cache second) {
        this.caches = new Cache[] {first, second};
        for (String tag : TAGS) {
            flushedFrom.put(tag, new AtomicLong(Long.MIN_VALUE));
        }
    }

    /**
     * Every store key the load touches: entries, tag versions, locks and fencing counters.
     *
     * @param prefix the caches' key prefix
     * @return the store keys
     */
    static List<String> storeKeys(String prefix) {
        KeyLayout layout = KeyLayout.of(prefix);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < DURABLE_KEYS; i++) {
            keys.add(layout.entry(durableKey(i)));
        }
        for (int i = 0; i < TAGGED_KEYS; i++) {
            keys.add(layout.entry(taggedKey(i)));
        }
        for (String tag : TAGS) {
            keys.add(layout.tag(tag));
        }
        for (String lock : LOCKS) {
            keys.add(layout.lock(lock));
            keys.add(layout.fence(lock));
        }
        return keys;
    }

    /**
     * Runs the eight threads until {@code disturbance} returns (or each thread did its bounded
     * number of operations), then reads every key once more and checks.
     *
     * @param disturbance what moves the cluster; runs on the calling thread
     * @return the counts, for the report
     */
    String runWhile(Runnable disturbance) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(() -> work(thread), "cluster-load-" + t);
            worker.start();
            threads.add(worker);
        }
        try {
            disturbance.run();
        } finally {
            stop.set(true);
            for (Thread worker : threads) {
                // Generous: a lock wait or a call's retries end well within this.
                worker.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(worker.isAlive())
                        .as(worker.getName() + " still running")
                        .isFalse();
            }
        }
        finalReads();
        return report();
    }

    /**
     * Waits until the threads have done {@code more} operations more (successful or not), so a
     * disturbance meets a known amount of load whatever the machine's speed.
     *
     * @param more the number of operations to wait for
     */
    void awaitOperations(int more) {
        long target = attempted.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (attempted.get() < target && !stop.get()) {
            assertThat(System.nanoTime())
                    .as("the load did " + more + " operations")
                    .isLessThan(deadline);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the load", e);
            }
        }
    }

    private void work(int thread) {
        Cache cache = caches[thread % 2];
        Cache other = caches[(thread + 1) % 2];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int n = 0; n < MAX_OPERATIONS_PER_THREAD && !stop.get(); n++) {
            attempted.incrementAndGet();
            int dice = random.nextInt(100);
            String operation = dice < 25
                    ? "put"
                    : dice < 50
                            ? "get"
                            : dice < 65 ? "tagged put" : dice < 88 ? "tagged get" : dice < 95 ? "flush" : "lock";
            try {
                switch (operation) {
                    case "put" -> putDurable(cache, other, ownKey(thread, DURABLE_KEYS, random));
                    case "get" -> getDurable(cache, random.nextInt(DURABLE_KEYS));
                    case "tagged put" -> putTagged(cache, other, ownKey(thread, TAGGED_KEYS, random));
                    case "tagged get" -> getTagged(cache, random.nextInt(TAGGED_KEYS));
                    case "flush" -> flush(cache, TAGS[random.nextInt(TAGS.length)]);
                    default -> lock(cache, random.nextInt(LOCKS.length));
                }
                operations.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
            } catch (StoreException e) {
                failures.computeIfAbsent(operation + ": " + kind(e), k -> new AtomicInteger())
                        .incrementAndGet();
                if (e.getCause() == null
                        || !RETRYABLE.contains(e.getCause().getClass().getSimpleName())) {
                    unexpected.add(e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unexpected.add(e);
                return;
            } catch (RuntimeException | AssertionError e) {
                unexpected.add(e);
            }
        }
    }

    /** Each key has exactly one writer: key {@code i} belongs to thread {@code i % THREADS}. */
    private static int ownKey(int thread, int keys, ThreadLocalRandom random) {
        return thread + THREADS * random.nextInt(keys / THREADS);
    }

    /** A put, then a read of it through the other cache: every acknowledged write is read once. */
    private void putDurable(Cache cache, Cache other, int key) {
        long number = durableTried.incrementAndGet(key);
        cache.put(durableKey(key), value(number));
        durableAcked.set(key, number);
        getDurable(other, key);
    }

    private void getDurable(Cache cache, int key) {
        long floor = durableAcked.get(key);
        Lookup<String> found = cache.get(durableKey(key), String.class);
        long seen = found.isHit() ? number(found.value()) : 0;
        if (seen < floor) {
            violations.add(
                    "lost write: " + durableKey(key) + " read " + found + " after put #" + floor + " was acknowledged");
        }
    }

    private void putTagged(Cache cache, Cache other, int key) {
        long number = taggedTried.incrementAndGet(key);
        view(cache, key).put(taggedKey(key), value(number));
        taggedAckedAt.put(taggedKey(key) + "#" + number, System.nanoTime());
        taggedAcked.set(key, number);
        getTagged(other, key);
    }

    private void getTagged(Cache cache, int key) {
        long floor = taggedAcked.get(key);
        TaggedCache view = view(cache, key);
        long flushedAfter = view.tags().stream()
                .mapToLong(tag -> flushedFrom.get(tag).get())
                .max()
                .orElseThrow();
        Lookup<String> found = view.get(taggedKey(key), String.class);
        if (found.isHit()) {
            checkTagged(key, found.value(), floor, flushedAfter);
        }
    }

    private void checkTagged(int key, String value, long floor, long flushedAfter) {
        long seen = number(value);
        if (seen < floor) {
            violations.add(
                    "lost write: " + taggedKey(key) + " read #" + seen + " after put #" + floor + " was acknowledged");
        }
        Long ackedAt = taggedAckedAt.get(taggedKey(key) + "#" + seen);
        if (ackedAt != null && ackedAt < flushedAfter) {
            violations.add("flushed entry came back: " + taggedKey(key) + " #" + seen + ", written under " + tagsOf(key)
                    + " before a flush of one of them was acknowledged");
        }
    }

    private void flush(Cache cache, String tag) {
        long started = System.nanoTime();
        cache.tags(tag).flush();
        flushedFrom.get(tag).accumulateAndGet(started, Math::max);
    }

    private void lock(Cache cache, int lock) throws InterruptedException {
        Optional<HeldLock> acquired = cache.lock(LOCKS[lock]).withLease(LEASE).tryAcquire(LOCK_WAIT);
        if (acquired.isEmpty()) {
            lockTimeouts.incrementAndGet();
            return;
        }
        HeldLock held = acquired.get();
        try {
            if (holders.incrementAndGet(lock) != 1) {
                overlaps.incrementAndGet();
            }
            long token = held.fencingToken();
            if (token <= lastToken[lock]) {
                tokenRegressions.incrementAndGet();
            }
            lastToken[lock] = token;
            int[] counter = lockCounters[lock];
            int read = counter[0];
            Thread.yield();
            counter[0] = read + 1;
            acquisitions.incrementAndGet(lock);
            holders.decrementAndGet(lock);
        } finally {
            if (!held.release()) {
                releasesFindingLockGone.incrementAndGet();
            }
        }
    }

    /** Once the load stopped: every key holds its last acknowledged value or a later attempt. */
    private void finalReads() {
        Cache cache = caches[0];
        for (int key = 0; key < DURABLE_KEYS; key++) {
            long acked = durableAcked.get(key);
            Lookup<String> found = cache.get(durableKey(key), String.class);
            long seen = found.isHit() ? number(found.value()) : 0;
            if (seen < acked || seen > durableTried.get(key)) {
                violations.add("final read of " + durableKey(key) + ": " + found + ", last acknowledged #" + acked
                        + ", last tried #" + durableTried.get(key));
            }
        }
        for (int key = 0; key < TAGGED_KEYS; key++) {
            long flushedAfter = tagsOf(key).stream()
                    .mapToLong(tag -> flushedFrom.get(tag).get())
                    .max()
                    .orElseThrow();
            Lookup<String> found = view(cache, key).get(taggedKey(key), String.class);
            if (found.isHit()) {
                checkTagged(key, found.value(), taggedAcked.get(key), flushedAfter);
                if (number(found.value()) > taggedTried.get(key)) {
                    violations.add("final read of " + taggedKey(key) + " returned a put never made: " + found);
                }
            }
        }
    }

    /** The assertions; call after {@link #runWhile}. */
    void assertOutcomes() {
        assertThat(unexpected)
                .as("failures other than the documented retryable ones")
                .isEmpty();
        assertThat(violations).as("lost writes and revived entries").isEmpty();
        assertThat(overlaps)
                .as("times a lock holder found another holder inside")
                .hasValue(0);
        assertThat(tokenRegressions)
                .as("fencing tokens not above the previous holder's")
                .hasValue(0);
        assertThat(releasesFindingLockGone)
                .as("releases that found the lock gone or taken")
                .hasValue(0);
        for (int lock = 0; lock < LOCKS.length; lock++) {
            synchronized (lockCounters[lock]) {
                assertThat(lockCounters[lock][0])
                        .as("the non-atomic counter under " + LOCKS[lock])
                        .isEqualTo(acquisitions.get(lock));
            }
        }
        for (String operation : List.of("put", "get", "tagged put", "tagged get", "flush", "lock")) {
            assertThat(operations.getOrDefault(operation, new AtomicInteger()).get())
                    .as("successful " + operation + " operations")
                    .isPositive();
        }
    }

    private String report() {
        Map<String, Integer> done = new TreeMap<>();
        operations.forEach((k, v) -> done.put(k, v.get()));
        Map<String, Integer> failed = new TreeMap<>();
        failures.forEach((k, v) -> failed.put(k, v.get()));
        int acquired = 0;
        for (int lock = 0; lock < LOCKS.length; lock++) {
            acquired += acquisitions.get(lock);
        }
        return "operations " + done + "; failures " + failed + "; lock acquisitions " + acquired
                + ", lock waits that timed out " + lockTimeouts.get() + "; violations " + violations.size()
                + "; unexpected " + unexpected.size() + (unexpected.isEmpty() ? "" : " " + unexpected.peek());
    }

    /** The Jedis exception the store translated, and its own root cause if it has one. */
    private static String kind(StoreException e) {
        Throwable jedis = e.getCause() != null ? e.getCause() : e;
        Throwable root = jedis;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        String word = message.split(" ", 2)[0];
        // Redis error codes (TRYAGAIN, CLUSTERDOWN, ASK, MOVED) are named; other causes by class.
        String cause = word.matches("[A-Z]{3,}") ? word : root.getClass().getSimpleName();
        return jedis.getClass().getSimpleName() + (root == jedis ? "" : " <- " + cause);
    }

    private static TaggedCache view(Cache cache, int key) {
        return cache.tags(tagsOf(key));
    }

    private static List<String> tagsOf(int key) {
        return List.of(TAGS[key % TAGS.length], TAGS[(key + 1) % TAGS.length]);
    }

    private static String durableKey(int key) {
        return "plain-" + key;
    }

    private static String taggedKey(int key) {
        return "tagged-" + key;
    }

    private static String value(long number) {
        return "v#" + number;
    }

    private static long number(String value) {
        return Long.parseLong(value.substring(value.indexOf('#') + 1));
    }
}
