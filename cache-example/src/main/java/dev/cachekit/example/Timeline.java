package dev.cachekit.example;

import dev.cachekit.CacheListener;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Prints what each worker does, with milliseconds since the round started, in the spirit of the
 * original program's log. Hears the cache through {@link CacheListener}; the worker number comes
 * from the worker's thread.
 */
final class Timeline implements CacheListener {

    private static final ThreadLocal<Integer> WORKER = new ThreadLocal<>();

    private final PrintStream out;
    private volatile long roundStartNanos = System.nanoTime();

    Timeline(PrintStream out) {
        this.out = out;
    }

    static void actAs(int worker) {
        WORKER.set(worker);
    }

    void startRound() {
        roundStartNanos = System.nanoTime();
    }

    long sinceStartMillis(long nanos) {
        return Duration.ofNanos(nanos - roundStartNanos).toMillis();
    }

    void say(String what) {
        Integer worker = WORKER.get();
        String who = worker == null ? "" : String.format("worker %2d  ", worker);
        synchronized (out) {
            // Stamped inside the lock so the printed times never run backwards.
            out.printf("  %6d ms  %s%s%n", sinceStartMillis(System.nanoTime()), who, what);
        }
    }

    @Override
    public void read(String key, ReadResult result, Duration took) {
        say(result == ReadResult.MISS ? "cache miss for " + key : "read " + key + " from the cache");
    }

    @Override
    public void joinedLoad(String key) {
        say("waiting for another worker in this process, which is loading " + key);
    }

    @Override
    public void lockAcquired(String key) {
        say("got the lock for " + key + ", loading it from the database");
    }

    @Override
    public void waitingForHolder(String key) {
        say("waiting for the lock holder (another process) to set " + key);
    }

    @Override
    public void loaded(String key, Duration took) {
        say("loaded " + key + " from the database in " + took.toMillis() + " ms");
    }

    @Override
    public void stored(String key) {
        say("set the cache for " + key);
    }

    @Override
    public void loadFailed(String key, Throwable failure) {
        say("loading " + key + " failed: " + failure);
    }
}
