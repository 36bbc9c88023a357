package dev.cachekit.jcache;

import javax.cache.Cache;

/** An entry handed to callers: by the iterator, to a {@link javax.cache.integration.CacheWriter}. */
final class JCacheEntry<K, V> implements Cache.Entry<K, V> {

    private final K key;
    private final V value;

    JCacheEntry(K key, V value) {
        this.key = key;
        this.value = value;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        return value;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException(
                "a cache entry unwraps to " + getClass().getName() + " only, not " + clazz.getName());
    }

    @Override
    public String toString() {
        return "Entry[" + key + "]";
    }
}
