package dev.cachekit.core;

import dev.cachekit.AsyncLoader;
import dev.cachekit.Loader;
import dev.cachekit.internal.Printable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The async calls: the blocking call, run on the cache's executor, completing a future. Not a second
 * implementation: the view checks the arguments on the caller's thread (so an argument error is
 * thrown at once), then hands the very blocking call here.
 *
 * <ul>
 *   <li>The future completes with the call's result, or exceptionally with the exception instance
 *       the call threw (not wrapped).
 *   <li>A call still queued when its future is cancelled does not run: it has taken nothing yet. A
 *       call that started runs to its end whatever happens to the future: a load writes its value
 *       and releases its lock and its single-flight entry, so a cancel leaves nothing behind.
 *   <li>An executor that refuses the call (saturated) completes the future exceptionally with a
 *       {@link dev.cachekit.CacheException} saying so.
 * </ul>
 */
final class AsyncCalls {

    private final CacheExecutor executor;
    private final Duration loadTimeout;

    AsyncCalls(CacheExecutor executor, Duration loadTimeout) {
        this.executor = executor;
        this.loadTimeout = loadTimeout;
    }

    /** Runs {@code call} on the executor. */
    <T> CompletableFuture<T> run(Supplier<T> call) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Runnable task = () -> {
            if (future.isDone()) {
                return;
            }
            try {
                future.complete(call.get());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        };
        try {
            executor.execute(task);
        } catch (RuntimeException refused) {
            future.completeExceptionally(refused);
        }
        return future;
    }

    /**
     * A blocking loader over an async one, for {@code getOrLoad} on an executor thread: it starts the
     * stage and waits there for it, at most the load timeout. Callers waiting for this load give up
     * after that timeout anyway, and a stage that never completes must not hold a thread of a
     * bounded pool, and the key's load lock, for ever.
     *
     * <p>The stage's failure is thrown as its cause, unwrapped from {@link CompletionException}, so
     * the {@link dev.cachekit.CacheLoadException} the load path makes of it carries the real cause.
     */
    <T> Loader<T> awaiting(String key, AsyncLoader<? extends T> loader) {
        return () -> {
            CompletionStage<? extends T> stage = loader.load();
            if (stage == null) {
                throw new NullPointerException("the AsyncLoader of key " + Printable.quote(key)
                        + " returned null; return a stage (CompletableFuture.completedFuture(null) for a null)");
            }
            // Not toCompletableFuture(): a stage need not support it.
            CompletableFuture<T> done = new CompletableFuture<>();
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    done.completeExceptionally(failure);
                } else {
                    done.complete(value);
                }
            });
            try {
                return done.get(loadTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                Throwable cause = unwrap(e.getCause());
                if (cause instanceof Exception exception) {
                    throw exception;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw e;
            } catch (TimeoutException e) {
                throw new TimeoutException("the stage of the AsyncLoader of key " + Printable.quote(key)
                        + " did not complete within the load timeout of " + loadTimeout
                        + " (CacheBuilder.loadTimeout); nothing was cached");
            }
        };
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
