package dev.cachekit.example;

import dev.cachekit.CacheListener;
import dev.cachekit.StoreException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prints what the workers do, with milliseconds since the round started, in the spirit of the
 * original program's log. Hears the cache through {@link CacheListener}; the worker number comes
 * from the worker's thread.
 *
 * <p>Compact (the default) prints the lines that tell the story: who took the lock and loaded, the
 * first worker that found the lock held by another process, failures. Verbose prints every event of
 * every worker.
 */
final class Timeline implements CacheListener {

    private static final ThreadLocal<Integer> WORKER = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> LOADED = ThreadLocal.withInitial(() -> false);

    private final PrintStream out;
    private final boolean verbose;
    private final AtomicBoolean toldWaitingForOtherProcess = new AtomicBoolean();
    private final AtomicInteger waits = new AtomicInteger();
    private volatile long roundStartNanos = System.nanoTime();
    private volatile Integer loader;

    Timeline(PrintStream out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    /** Marks the calling thread as worker {@code worker}. */
    static void actAs(int worker) {
        WORKER.set(worker);
    }

    /** Forgets, for the calling thread, whether its last call loaded the value. */
    static void startCall() {
        LOADED.set(false);
    }

    /** Whether the calling thread's call since {@link #startCall} loaded the value itself. */
    static boolean loadedByThisCall() {
        return LOADED.get();
    }

    void startRound() {
        roundStartNanos = System.nanoTime();
        toldWaitingForOtherProcess.set(false);
        loader = null;
    }

    /** The worker of this process that loaded the value in this round, or {@code null}. */
    Integer loader() {
        return loader;
    }

    long sinceStartMillis(long nanos) {
        return Duration.ofNanos(nanos - roundStartNanos).toMillis();
    }

    boolean verbose() {
        return verbose;
    }

    /** Prints a line for the calling worker, stamped now. */
    void say(String what) {
        Integer worker = WORKER.get();
        say(worker == null ? "" : String.format("worker %2d  ", worker), what);
    }

    /** Prints a line for {@code who} (already padded), stamped now. */
    void say(String who, String what) {
        synchronized (out) {
            // Stamped inside the lock so the printed times never run backwards.
            out.printf("  %6d ms  %s%s%n", sinceStartMillis(System.nanoTime()), who, what);
        }
    }

    private void detail(String what) {
        if (verbose) {
            say(what);
        }
    }

    /** The calls that waited for a load (joined this process's, or waited for a lock holder) so far. */
    int waits() {
        return waits.get();
    }

    @Override
    public void refreshStarted(String key) {
        say(
                "",
                "refresh-ahead: " + key + " is past " + (int) (RefreshAheadRound.FRACTION * 100)
                        + "% of its TTL; reloading it in the background while reads return the current value");
    }

    @Override
    public void refreshed(String key, Duration took) {
        say("", "refresh-ahead: " + key + " reloaded in " + took.toMillis() + " ms; its TTL starts again");
    }

    @Override
    public void refreshFailed(String key, Throwable failure) {
        say("", "refresh-ahead: reloading " + key + " failed (" + failure + "); the current value stays");
    }

    @Override
    public void read(String key, ReadResult result, Duration took) {
        if (!key.equals(Scenario.KEY)) {
            return; // the flush marker's polls (see Scenario) tell no story
        }
        detail(
                switch (result) {
                    case MISS -> "cache miss for " + key;
                    case HIT -> "read " + key + " from the cache";
                    case CACHED_NULL -> "read a cached null for " + key;
                });
    }

    @Override
    public void joinedLoad(String key) {
        waits.incrementAndGet();
        detail("waiting for another worker of this process, which is getting " + key);
    }

    @Override
    public void lockAcquired(String key) {
        loader = WORKER.get();
        say("cache miss; got the lock for " + key + ", loading it from the database");
    }

    @Override
    public void waitingForHolder(String key) {
        waits.incrementAndGet();
        if (verbose || toldWaitingForOtherProcess.compareAndSet(false, true)) {
            say("cache miss; another process holds the lock for " + key + ", waiting for its value");
        }
    }

    @Override
    public void waited(String key, Duration waited, boolean gotValue) {
        detail("waited " + waited.toMillis() + " ms for another caller's load, "
                + (gotValue ? "got its value" : "it ended without a value"));
    }

    @Override
    public void loaded(String key, Duration took) {
        LOADED.set(true);
        say("loaded " + key + " from the database in " + took.toMillis() + " ms");
    }

    @Override
    public void stored(String key) {
        if (!key.equals(Scenario.KEY)) {
            return;
        }
        detail("set the cache for " + key);
    }

    @Override
    public void loadFailed(String key, Throwable failure) {
        say("loading " + key + " failed: " + failure);
    }

    @Override
    public void flushed(SortedSet<String> tags, Duration took) {
        if (verbose) {
            say("", "flushed " + String.join(", ", tags) + " in " + took.toMillis() + " ms");
        }
    }

    @Override
    public void storeError(String operation, String key, StoreException error) {
        say("the store failed (" + operation + (key == null ? "" : " " + key) + "): " + error.getMessage());
    }
}
