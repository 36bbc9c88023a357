package dev.cachekit.spring;

import dev.cachekit.AsyncLoader;
import dev.cachekit.CacheLoadException;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * One Spring cache over a {@link dev.cachekit.Cache}: its entries live at keys {@code
 * <name>::<stable key>} (see {@link StableKey}) and carry the tag {@code <name>} plus the extra tags
 * of its {@link CacheSettings}, so {@link #clear()} is one flush of that tag, at a constant cost
 * whatever the number of entries, and no other cache's entries are touched.
 *
 * <ul>
 *   <li>{@link #get(Object, Callable)} is {@code getOrLoad}: on a cold key one caller in the whole
 *       cluster runs the loader; the others get its value. A loader failure is a {@link
 *       ValueRetrievalException} and caches nothing.
 *   <li>{@code null} values are cached nulls (for the null TTL) when the cache allows null values;
 *       otherwise storing one is an {@link IllegalArgumentException}. Spring's {@link NullValue}
 *       (which Spring's own caches and cache-manager decorators pass for {@code null}) is the same
 *       {@code null}, whether given to {@code put}, {@code putIfAbsent} or returned by a loader.
 *   <li>{@link #retrieve(Object)} and {@link #retrieve(Object, Supplier)} are {@code getAsync} and
 *       {@code getOrLoadAsync}: the store calls run on the cachekit cache's executor ({@link
 *       dev.cachekit.core.CacheBuilder#executor}), never on the caller's thread or the common pool,
 *       so {@code @Cacheable} on a method returning {@code CompletableFuture} works, and with
 *       {@code sync = true} loads once cluster-wide.
 * </ul>
 *
 * <p>Made by {@link CachekitCacheManager}. Thread-safe.
 */
public final class CachekitSpringCache implements org.springframework.cache.Cache {

    /** Separates a cache's name from the key in the store: {@code users::#42}. */
    static final String SEPARATOR = "::";

    private final String name;
    private final TaggedCache entries;
    private final TaggedCache nameTag;
    private final CacheSettings settings;
    private final boolean allowNullValues;

    CachekitSpringCache(String name, dev.cachekit.Cache cache, CacheSettings settings, boolean allowNullValues) {
        this.name = name;
        this.settings = settings;
        this.allowNullValues = allowNullValues;
        this.nameTag = cache.tags(name);
        if (settings.tags().isEmpty()) {
            this.entries = nameTag;
        } else {
            List<String> tags = new ArrayList<>(settings.tags());
            tags.add(name);
            this.entries = cache.tags(tags);
        }
    }

    /**
     * The key under which this cache keeps {@code key} in the underlying {@link dev.cachekit.Cache}.
     *
     * @param key a Spring cache key
     * @return {@code <name>::<stable key>}
     * @throws IllegalArgumentException if the key has no stable form (see {@link StableKey})
     */
    public String cachekitKey(Object key) {
        try {
            return name + SEPARATOR + StableKey.of(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cache '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String getName() {
        return name;
    }

    /**
     * The tagged view this cache reads and writes through.
     *
     * @return the {@link TaggedCache}
     */
    @Override
    public TaggedCache getNativeCache() {
        return entries;
    }

    /**
     * The settings this cache runs with (its own, completed by the manager's defaults).
     *
     * @return the settings
     */
    public CacheSettings settings() {
        return settings;
    }

    @Override
    public ValueWrapper get(Object key) {
        return wrap(entries.get(cachekitKey(key), Object.class));
    }

    @Override
    public <T> T get(Object key, Class<T> type) {
        String cachekitKey = cachekitKey(key);
        Object value = entries.get(cachekitKey, Object.class).orElse(null);
        if (value != null && type != null && !type.isInstance(value)) {
            throw new IllegalStateException("cache '" + name + "': the value of key '" + cachekitKey + "' is a "
                    + value.getClass().getName() + ", not the required " + type.getName());
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }

    @Override
    public <T> T get(Object key, Callable<T> valueLoader) {
        Objects.requireNonNull(valueLoader, "valueLoader");
        try {
            return load(cachekitKey(key), valueLoader::call);
        } catch (CacheLoadException e) {
            throw new ValueRetrievalException(key, valueLoader, e.getCause());
        }
    }

    /**
     * {@code getAsync} on the cachekit cache's executor.
     *
     * @return a future of a {@link ValueWrapper} (or of the bare value when null values are not
     *     allowed, as Spring expects), of {@code null} on a miss
     */
    @Override
    public CompletableFuture<?> retrieve(Object key) {
        return entries.getAsync(cachekitKey(key), Object.class).thenApply(found -> {
            if (found.isMiss() || (found.isCachedNull() && !allowNullValues)) {
                return null;
            }
            return allowNullValues ? new SimpleValueWrapper(found.value()) : found.value();
        });
    }

    /**
     * {@code getOrLoadAsync} on the cachekit cache's executor: on a cold key one caller in the
     * whole cluster calls {@code valueLoader} (what {@code @Cacheable(sync = true)} on a method
     * returning {@code CompletableFuture} asks for), and the others get its value.
     *
     * @return a future of the value; exceptionally with the loader's own failure, which caches
     *     nothing
     */
    @Override
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        Objects.requireNonNull(valueLoader, "valueLoader");
        String cachekitKey = cachekitKey(key);
        AtomicBoolean loadedHere = new AtomicBoolean();
        AsyncLoader<Object> loader = () -> valueLoader.get().thenApply(loaded -> {
            Object value = userValue(loaded);
            if (value == null && !allowNullValues) {
                throw new NullValueRefused();
            }
            loadedHere.set(true);
            return value;
        });
        CompletableFuture<Object> found = settings.ttl().isPresent()
                ? entries.getOrLoadAsync(
                        cachekitKey, Object.class, settings.ttl().get(), loader)
                : entries.getOrLoadAsync(cachekitKey, Object.class, loader);
        CompletableFuture<T> result = new CompletableFuture<>();
        found.whenComplete((value, failure) -> {
            if (failure == null) {
                if (value == null && loadedHere.get() && settings.nullTtl().isPresent()) {
                    // getOrLoadAsync wrote a loaded null with the cache-wide null TTL; this cache has its own.
                    entries.putAsync(cachekitKey, null, settings.nullTtl().get())
                            .whenComplete((ignored, putFailure) -> {
                                if (putFailure != null) {
                                    result.completeExceptionally(putFailure);
                                } else {
                                    result.complete(null);
                                }
                            });
                } else {
                    result.complete(cast(value));
                }
            } else if (failure instanceof CacheLoadException && failure.getCause() instanceof NullValueRefused) {
                result.completeExceptionally(nullRefused());
            } else if (failure instanceof CacheLoadException && failure.getCause() != null) {
                result.completeExceptionally(failure.getCause());
            } else {
                result.completeExceptionally(failure);
            }
        });
        return result;
    }

    private <T> T load(String cachekitKey, dev.cachekit.Loader<T> loader) {
        AtomicBoolean loadedHere = new AtomicBoolean();
        dev.cachekit.Loader<T> checked = () -> {
            T value = userValue(loader.load());
            if (value == null && !allowNullValues) {
                throw new NullValueRefused();
            }
            loadedHere.set(true);
            return value;
        };
        T value;
        try {
            Object loaded = settings.ttl().isPresent()
                    ? entries.getOrLoad(
                            cachekitKey, Object.class, settings.ttl().get(), checked)
                    : entries.getOrLoad(cachekitKey, Object.class, checked);
            value = cast(loaded);
        } catch (CacheLoadException e) {
            if (e.getCause() instanceof NullValueRefused) {
                throw nullRefused();
            }
            throw e;
        }
        if (value == null && loadedHere.get() && settings.nullTtl().isPresent()) {
            // getOrLoad writes a loaded null with the cache-wide null TTL; this cache has its own.
            entries.put(cachekitKey, null, settings.nullTtl().get());
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    /** Spring's stand-in for {@code null} is {@code null}: stored as a cached null, never encoded. */
    private static <T> T userValue(T value) {
        return value instanceof NullValue ? null : value;
    }

    @Override
    public void put(Object key, Object given) {
        String cachekitKey = cachekitKey(key);
        Object value = userValue(given);
        if (value == null && !allowNullValues) {
            throw nullRefused();
        }
        Duration ttl =
                value == null ? settings.nullTtl().orElse(null) : settings.ttl().orElse(null);
        if (ttl == null) {
            entries.put(cachekitKey, value);
        } else {
            entries.put(cachekitKey, value, ttl);
        }
    }

    /**
     * Writes the value unless the key holds one already, as one load cluster-wide: of several
     * callers racing on one absent key, in any JVM, exactly one writes.
     *
     * @return the value found, or {@code null} if this call wrote {@code value}
     */
    @Override
    public ValueWrapper putIfAbsent(Object key, Object given) {
        String cachekitKey = cachekitKey(key);
        Object value = userValue(given);
        if (value == null && !allowNullValues) {
            throw nullRefused();
        }
        AtomicBoolean written = new AtomicBoolean();
        Object found = load(cachekitKey, () -> {
            written.set(true);
            return value;
        });
        return written.get() ? null : new SimpleValueWrapper(found);
    }

    @Override
    public void evict(Object key) {
        entries.remove(cachekitKey(key));
    }

    /**
     * Removes the entry at once.
     *
     * @return whether a read just before the removal found it (a value or a cached null)
     */
    @Override
    public boolean evictIfPresent(Object key) {
        String cachekitKey = cachekitKey(key);
        boolean present = entries.get(cachekitKey, Object.class).isHit();
        entries.remove(cachekitKey);
        return present;
    }

    /** Invalidates every entry of this cache: one flush of the tag named after it. */
    @Override
    public void clear() {
        nameTag.flush();
    }

    /**
     * Invalidates every entry of this cache at once, like {@link #clear()}.
     *
     * @return {@code false}: a flush does not know whether there were entries
     */
    @Override
    public boolean invalidate() {
        nameTag.flush();
        return false;
    }

    private IllegalArgumentException nullRefused() {
        return new IllegalArgumentException("cache '" + name + "' does not allow null values, but null was given;"
                + " allow null values on the CachekitCacheManager, or add unless = \"#result == null\" to the"
                + " annotation");
    }

    private ValueWrapper wrap(Lookup<Object> found) {
        if (found.isMiss() || (found.isCachedNull() && !allowNullValues)) {
            return null;
        }
        return new SimpleValueWrapper(found.value());
    }

    @Override
    public String toString() {
        return "CachekitSpringCache[" + name + ", " + settings + "]";
    }

    /** Thrown inside the loader to refuse a null without caching it. */
    private static final class NullValueRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NullValueRefused() {
            super("null refused", null, false, false);
        }
    }
}
