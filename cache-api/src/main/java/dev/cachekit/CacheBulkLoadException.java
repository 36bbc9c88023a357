package dev.cachekit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A bulk load of {@link CacheView#getOrLoadAll} failed for some keys: the {@link BulkLoader}
 * threw (the {@linkplain #getCause() cause}), or another caller's load that this call waited for
 * failed. Only the {@linkplain #failedKeys() failed keys} are lost: the values of the keys that
 * were hits, or that loaded, are in {@link #values()}. Nothing was cached for a failed key.
 */
public class CacheBulkLoadException extends CacheLoadException {
    private static final long serialVersionUID = 1L;

    private final transient Set<String> failedKeys;
    private final transient Map<String, Object> values;

    /**
     * Creates the exception.
     *
     * @param failedKeys the keys whose load failed, in the caller's order
     * @param values the values of the other keys (hits and loaded), in the caller's order; a
     *     value may be {@code null}
     * @param cause what the loader threw
     */
    public CacheBulkLoadException(Set<String> failedKeys, Map<String, ?> values, Throwable cause) {
        super(first(failedKeys), failedKeys.size() + " key(s) " + preview(failedKeys), cause);
        this.failedKeys = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(failedKeys));
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * The keys whose load failed.
     *
     * @return the keys, in the caller's order; unmodifiable
     */
    public Set<String> failedKeys() {
        return failedKeys;
    }

    /**
     * The values of the keys that did not fail, as {@code getOrLoadAll} would have returned them.
     *
     * @return the values by key, in the caller's order; unmodifiable, values may be {@code null}
     */
    public Map<String, Object> values() {
        return values;
    }

    private static String first(Set<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a bulk load failure names at least one key");
        }
        return keys.iterator().next();
    }

    private static String preview(Set<String> keys) {
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (String key : keys) {
            if (shown == 5) {
                text.append(", ...");
                break;
            }
            text.append(shown == 0 ? "" : ", ").append(dev.cachekit.internal.Printable.quote(key));
            shown++;
        }
        return text.toString();
    }
}
