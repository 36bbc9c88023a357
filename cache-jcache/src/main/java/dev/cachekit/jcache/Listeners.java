package dev.cachekit.jcache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry listeners registered on one cache in this JVM. Every event is delivered on the thread
 * that made the change, before the cache call returns, to synchronous and asynchronous listeners
 * alike (JSR-107 lets an asynchronous listener be called synchronously); a failure of a synchronous
 * listener reaches the caller as a {@link CacheEntryListenerException}, one of an asynchronous
 * listener is logged. Listeners hear what this JVM's cache did, never what another process did.
 */
final class Listeners<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private record Registration<K, V>(
            CacheEntryListenerConfiguration<K, V> configuration,
            CacheEntryListener<? super K, ? super V> listener,
            CacheEntryEventFilter<? super K, ? super V> filter) {}

    private final List<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();

    boolean isEmpty() {
        return registrations.isEmpty();
    }

    void register(CacheEntryListenerConfiguration<K, V> configuration) {
        Factory<CacheEntryListener<? super K, ? super V>> listenerFactory =
                configuration.getCacheEntryListenerFactory();
        if (listenerFactory == null) {
            throw new IllegalArgumentException("the listener configuration has no listener factory");
        }
        Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
                configuration.getCacheEntryEventFilterFactory();
        registrations.add(new Registration<>(
                configuration, listenerFactory.create(), filterFactory == null ? null : filterFactory.create()));
    }

    void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
        for (Registration<K, V> registration : registrations) {
            if (registration.configuration().equals(configuration)) {
                registrations.remove(registration);
                close(registration.listener());
                close(registration.filter());
            }
        }
    }

    void closeAll() {
        for (Registration<K, V> registration : registrations) {
            close(registration.listener());
            close(registration.filter());
        }
        registrations.clear();
    }

    void created(Cache<K, V> source, K key, V value) {
        fire(source, EventType.CREATED, key, value, null, false);
    }

    void updated(Cache<K, V> source, K key, V value, V oldValue) {
        fire(source, EventType.UPDATED, key, value, oldValue, true);
    }

    void removed(Cache<K, V> source, K key, V oldValue) {
        fire(source, EventType.REMOVED, key, oldValue, oldValue, true);
    }

    void expired(Cache<K, V> source, K key, V oldValue) {
        fire(source, EventType.EXPIRED, key, oldValue, oldValue, true);
    }

    @SuppressWarnings("unchecked")
    private void fire(Cache<K, V> source, EventType type, K key, V value, V oldValue, boolean oldAvailable) {
        if (registrations.isEmpty()) {
            return;
        }
        JCacheEvent<K, V> event = new JCacheEvent<>(source, type, key, value, oldValue, oldAvailable);
        List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
        for (Registration<K, V> registration : registrations) {
            CacheEntryListener<? super K, ? super V> listener = registration.listener();
            if (!hears(listener, type)) {
                continue;
            }
            try {
                CacheEntryEventFilter<? super K, ? super V> filter = registration.filter();
                if (filter != null && !filter.evaluate(event)) {
                    continue;
                }
                Iterable<CacheEntryEvent<? extends K, ? extends V>> delivered = (Iterable) events;
                switch (type) {
                    case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(delivered);
                    case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(delivered);
                    case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(delivered);
                    case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(delivered);
                }
            } catch (RuntimeException e) {
                if (registration.configuration().isSynchronous()) {
                    throw e instanceof CacheEntryListenerException cele
                            ? cele
                            : new CacheEntryListenerException(
                                    "listener " + listener.getClass().getName() + " failed on " + type + ": " + e, e);
                }
                LOG.warn(
                        "asynchronous listener {} failed on a {} event in cache {}",
                        listener.getClass().getName(),
                        type,
                        source.getName(),
                        e);
            }
        }
    }

    private static boolean hears(CacheEntryListener<?, ?> listener, EventType type) {
        return switch (type) {
            case CREATED -> listener instanceof CacheEntryCreatedListener;
            case UPDATED -> listener instanceof CacheEntryUpdatedListener;
            case REMOVED -> listener instanceof CacheEntryRemovedListener;
            case EXPIRED -> listener instanceof CacheEntryExpiredListener;
        };
    }

    static void close(Object resource) {
        if (resource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", resource.getClass().getName(), e);
            }
        }
    }
}
