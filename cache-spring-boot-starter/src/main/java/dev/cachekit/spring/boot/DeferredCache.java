package dev.cachekit.spring.boot;

import dev.cachekit.Cache;
import dev.cachekit.CacheLock;
import dev.cachekit.CacheView;
import dev.cachekit.StoreException;
import dev.cachekit.TaggedCache;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Cache} bean when its store could not be reached at startup: the application starts,
 * and until the store answers, every call behaves as on a cache whose store has gone down. Reads,
 * writes, flushes and locks throw a {@link StoreException} naming the store; {@code getOrLoad}
 * follows {@code onStoreError} ({@code fail}, the default: it throws without calling the loader;
 * {@code load}: the loader runs, once per key per JVM, and nothing is cached); the health indicator
 * is DOWN.
 *
 * <p>A call tries to open the cache again at most once per {@link #RETRY_INTERVAL}; callers that
 * come while an attempt is under way do not wait for it. Once the cache opens, every call goes to
 * it, including calls on the tagged views and locks handed out before (they are proxies that follow
 * whichever cache is current; a {@link dev.cachekit.HeldLock} is always the real one).
 */
final class DeferredCache {

    /** The least time between two attempts to open the cache. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(DeferredCache.class);

    /** Types whose instances a call hands out and that must follow the cache once it opens. */
    private static final Set<Class<?>> FOLLOWING =
            Set.of(Cache.class, CacheView.class, TaggedCache.class, CacheLock.class);

    private final String store;
    private final Supplier<Cache> open;
    private final Cache unreached;
    private final ReentrantLock opening = new ReentrantLock();
    private long lastAttempt = System.nanoTime();
    private volatile String lastFailure;
    private volatile Cache opened;
    private volatile boolean closed;

    private DeferredCache(
            String store, Supplier<Cache> open, Function<Backend, Cache> overBackend, StoreException failure) {
        this.store = store;
        this.open = open;
        this.lastFailure = failure.getMessage();
        this.unreached = overBackend.apply(Backend.of(unreachableStore()));
    }

    /**
     * A cache that opens with {@code open} once the store answers.
     *
     * @param store the store, for messages (without secrets)
     * @param open opens the real cache; throws a {@link StoreException} while the store is down
     * @param overBackend builds a cache with the real one's settings over a backend
     * @param failure why the first attempt failed
     * @return the cache
     */
    static Cache create(
            String store, Supplier<Cache> open, Function<Backend, Cache> overBackend, StoreException failure) {
        DeferredCache deferred = new DeferredCache(store, open, overBackend, failure);
        return (Cache) deferred.follower(Cache.class, cache -> cache);
    }

    /** The real cache if it is open (trying to open it if an attempt is due), else the unreached one. */
    private Cache current() {
        Cache cache = opened;
        if (cache != null) {
            return cache;
        }
        if (!closed && opening.tryLock()) {
            try {
                long now = System.nanoTime();
                if (opened == null && !closed && now - lastAttempt >= RETRY_INTERVAL.toNanos()) {
                    lastAttempt = now;
                    try {
                        opened = open.get();
                        LOG.info("cachekit: {} answers now; the cache is in use", store);
                    } catch (StoreException e) {
                        lastFailure = e.getMessage();
                        LOG.debug("cachekit: {} is still unreachable: {}", store, e.getMessage());
                    }
                }
            } finally {
                opening.unlock();
            }
        }
        cache = opened;
        return cache != null ? cache : unreached;
    }

    private void close() {
        opening.lock();
        try {
            closed = true;
            Cache cache = opened;
            try {
                if (cache != null) {
                    cache.close();
                }
            } finally {
                unreached.close();
            }
        } finally {
            opening.unlock();
        }
    }

    private Object follower(Class<?> type, Function<Cache, Object> resolve) {
        Follower follower = new Follower(resolve, type == Cache.class);
        // Resolved once now, so that bad arguments (an empty tag, a negative lease) fail at the call.
        follower.target();
        return Proxy.newProxyInstance(Cache.class.getClassLoader(), new Class<?>[] {type}, follower);
    }

    /** Forwards every call to what {@code resolve} makes of the current cache. */
    private final class Follower implements InvocationHandler {
        private final Function<Cache, Object> resolve;
        private final boolean root;
        private volatile Resolved last;

        Follower(Function<Cache, Object> resolve, boolean root) {
            this.resolve = resolve;
            this.root = root;
        }

        Object target() {
            Cache cache = current();
            Resolved resolved = last;
            if (resolved == null || resolved.source() != cache) {
                resolved = new Resolved(cache, resolve.apply(cache));
                last = resolved;
            }
            return resolved.target();
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                switch (method.getName()) {
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    default:
                        return target().toString();
                }
            }
            if (root && method.getName().equals("close") && method.getParameterCount() == 0) {
                close();
                return null;
            }
            if (FOLLOWING.contains(method.getReturnType())) {
                return follower(method.getReturnType(), cache -> call(method, resolve.apply(cache), args));
            }
            try {
                return method.invoke(target(), args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private record Resolved(Cache source, Object target) {}

    private static Object call(Method method, Object target, Object[] args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new UndeclaredThrowableException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A store whose every operation fails as a store that is down does, naming it and the last failure. */
    private Store unreachableStore() {
        String description = store + " (not reached since startup)";
        StoreCapabilities capabilities =
                new StoreCapabilities(Duration.ofMillis(1), StoreCapabilities.UNLIMITED, StoreCapabilities.UNLIMITED);
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "describe":
                case "toString":
                    return description;
                case "capabilities":
                    return capabilities;
                case "close":
                    return null;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                default:
                    throw new StoreException(
                            store + " has not been reachable since startup (" + lastFailure
                                    + "); the cache tries again on use, at most every "
                                    + RETRY_INTERVAL.toSeconds() + "s",
                            null);
            }
        };
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, handler);
    }
}
