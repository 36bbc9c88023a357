package dev.cachekit;

import java.util.concurrent.CompletionStage;

/**
 * Loads a value without blocking, for {@link CacheView#getOrLoadAsync}: the cache calls it on a
 * miss, once cluster-wide as {@link Loader} is, and caches the value the stage completes with. The
 * stage may complete on any thread; the cache never waits for it on a thread of the common pool.
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface AsyncLoader<T> {

    /**
     * Starts loading the value.
     *
     * @return a stage completing with the value (or {@code null}, cached as a null), or
     *     exceptionally: the failure reaches every waiting caller as a {@link CacheLoadException}
     *     and nothing is cached
     * @throws Exception a failure to start; treated as a stage that completed with it
     */
    CompletionStage<? extends T> load() throws Exception;
}
