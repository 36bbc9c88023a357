package dev.cachekit.spring;

/**
 * A key type that states its own stable form, for keys {@link StableKey} does not know (an entity,
 * a query object). Implement it when a method's key is such a type and a {@code KeyGenerator} or a
 * {@code key} expression would be clumsier.
 *
 * <p>The contract: {@link #cacheKey()} returns the same string for equal keys in every JVM and every
 * run (build it from field values, never from {@code hashCode()} of an arbitrary object or an
 * identity), and different strings for keys that must not share an entry.
 */
public interface CacheKey {

    /**
     * The stable form of this key.
     *
     * @return a non-null string, the same for equal keys in every JVM and run
     */
    String cacheKey();
}
