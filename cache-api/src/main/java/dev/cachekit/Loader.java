package dev.cachekit;

/**
 * Loads a value from the source of truth on a cache miss. May return {@code null} ("no such
 * thing"), which is cached as a null for the cache's null TTL.
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface Loader<T> {

    /**
     * Loads the value.
     *
     * @return the value, or {@code null}
     * @throws Exception any failure; it reaches every caller waiting for this load, wrapped in a
     *     {@link CacheLoadException}, and nothing is cached
     */
    T load() throws Exception;
}
