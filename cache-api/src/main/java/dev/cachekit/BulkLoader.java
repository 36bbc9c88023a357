package dev.cachekit;

import java.util.Map;
import java.util.Set;

/**
 * Loads many values from the source of truth in one call, for {@link CacheView#getOrLoadAll}: the
 * cache asks it only for the keys that are neither cached nor being loaded by another caller (in
 * this JVM or another), all at once, so a page of 50 users is one query, not 50.
 *
 * <p>The returned map may omit keys ("no such thing"): an omitted key is not cached unless the
 * cache was built with {@link dev.cachekit.core.CacheBuilder#cacheAbsent(boolean)}, and
 * {@code getOrLoadAll} maps it to {@code null}. A key mapped to {@code null} is cached as a null,
 * as {@link Loader} does. Keys the cache did not ask for are ignored.
 *
 * @param <T> the values' type
 */
@FunctionalInterface
public interface BulkLoader<T> {

    /**
     * Loads the values of {@code keys}.
     *
     * @param keys the keys to load, never empty, in the order the caller gave them; unmodifiable
     * @return the loaded values by key (a key may be missing, or map to {@code null})
     * @throws Exception any failure; it fails every key of this call (a {@link
     *     CacheBulkLoadException} names them) and nothing is cached for them
     */
    Map<String, ? extends T> loadAll(Set<String> keys) throws Exception;
}
