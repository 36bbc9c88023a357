package dev.cachekit.core;

import dev.cachekit.CacheException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where a cache's async calls run: the executor the user gave {@link CacheBuilder#executor}, or the
 * cache's own bounded pool of {@link CacheBuilder#DEFAULT_EXECUTOR_THREADS} daemon threads behind a
 * queue of {@link CacheBuilder#DEFAULT_EXECUTOR_QUEUE} tasks. Never the common pool: the calls block
 * on network I/O, which would starve every other user of that pool.
 *
 * <p>The own pool is made with the cache (a pool without threads is cheap; threads are started as
 * tasks arrive and end after 30 idle seconds) and shut down by the cache's close; an executor the
 * user gave is neither shut down nor waited for.
 */
final class CacheExecutor {

    /** How long an idle thread of the own pool lives. */
    private static final long KEEP_ALIVE_SECONDS = 30;

    private final Executor executor;
    /** The pool this instance made, and so shuts down; null when the user supplied the executor. */
    private final ThreadPoolExecutor own;
    /** The threads of {@link #own}; null when the user supplied the executor. */
    private final OwnThreads threads;

    private final String store;

    /**
     * @param given the user's executor, or null for the cache's own pool
     * @param store the store's description, for thread names and messages
     */
    CacheExecutor(Executor given, String store) {
        this(given, store, CacheBuilder.DEFAULT_EXECUTOR_THREADS, CacheBuilder.DEFAULT_EXECUTOR_QUEUE);
    }

    /** With another size for the own pool; for tests. */
    CacheExecutor(Executor given, String store, int poolThreads, int queue) {
        this.store = store;
        if (given != null) {
            this.executor = given;
            this.own = null;
            this.threads = null;
        } else {
            this.threads = new OwnThreads("cachekit-async-" + store);
            ThreadPoolExecutor pool = new ThreadPoolExecutor(
                    poolThreads,
                    poolThreads,
                    KEEP_ALIVE_SECONDS,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(queue),
                    threads,
                    new ThreadPoolExecutor.AbortPolicy());
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
            this.own = pool;
        }
    }

    /**
     * The executor, for work of the cache's own that may be refused (a refresh beyond the queue is
     * skipped): it throws {@link RejectedExecutionException} when saturated.
     */
    Executor executor() {
        return executor;
    }

    /**
     * Hands a task to the executor.
     *
     * @throws CacheException if the executor refused it: saturated
     * @throws IllegalStateException if the own pool was shut down: the cache closed meanwhile
     */
    void execute(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            throw refused(e);
        }
    }

    private RuntimeException refused(RejectedExecutionException e) {
        if (own == null) {
            return new CacheException(
                    "the executor given to the cache on " + store + " refused an async call (" + e.getMessage()
                            + "); give it room for more tasks, or make fewer calls at once",
                    e);
        }
        if (own.isShutdown()) {
            IllegalStateException closed = new IllegalStateException("the cache on " + store + " is closed");
            closed.initCause(e);
            return closed;
        }
        return new CacheException(
                "the executor of the cache on " + store + " is saturated: all " + own.getMaximumPoolSize()
                        + " threads are busy and " + own.getQueue().size() + " calls are queued; make fewer async"
                        + " calls at once, or give the cache a larger executor with CacheBuilder.executor",
                e);
    }

    /** Stops taking calls; those queued still run (and fail at once: the cache is closed). */
    void shutdown() {
        if (own != null) {
            own.shutdown();
        }
    }

    /**
     * Waits until the own pool's tasks have run and its threads ended, until {@code deadlineNanos}
     * (a {@link System#nanoTime()} value); true if they did. A user's executor is not waited for.
     */
    boolean awaitTermination(long deadlineNanos) throws InterruptedException {
        return own == null
                || (own.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)
                        && threads.join(deadlineNanos));
    }
}
