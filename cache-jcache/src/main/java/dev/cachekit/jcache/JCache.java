package dev.cachekit.jcache;

import dev.cachekit.CacheLoadException;
import dev.cachekit.HeldLock;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JCache cache over a cachekit cache: its entries carry the tag {@code jcache:<name>}, so
 * {@link #clear()} is one tag flush whatever the number of entries.
 *
 * <p>Every change (put, remove, replace, invoke, and an access that moves an entry's expiry) runs
 * under the distributed lock of the key's stripe ({@value #STRIPES} stripes per cache, so the store
 * keeps a bounded number of lock counters), which makes the conditional operations and entry
 * processors atomic across processes. A plain read takes no lock.
 */
final class JCache<K, V> implements Cache<K, V> {

    private static final Logger LOG = LoggerFactory.getLogger(JCache.class);

    static final int STRIPES = 256;
    /** How long a changed entry stays in the store after its JCache expiry, so readers see it expire. */
    private static final long EXPIRED_GRACE_MILLIS = 60_000;

    private static final Duration LOCK_LEASE = Duration.ofSeconds(30);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    private final JCacheManager manager;
    private final String name;
    private final MutableConfiguration<K, V> configuration;
    private final dev.cachekit.Cache kit;
    private final TaggedCache view;
    private final EntryForm form;
    private final ExpiryPolicy expiry;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    private final Listeners<K, V> listeners = new Listeners<>();
    private final Statistics statistics;
    private final ConfigurationBean configurationBean = new ConfigurationBean(this);
    private final Executor executor;
    private final Class<V> valueType;
    /** The keys this JVM wrote or read, for the iterator and removeAll(): the store cannot list keys. */
    private final ConcurrentMap<String, K> index = new ConcurrentHashMap<>();

    private volatile boolean closed;
    private volatile boolean iterationExplained;

    JCache(
            JCacheManager manager,
            String name,
            MutableConfiguration<K, V> configuration,
            dev.cachekit.Cache kit,
            EntryForm form,
            Executor executor) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.kit = kit;
        this.view = kit.tags(tag(name));
        this.form = form;
        this.executor = executor;
        this.valueType = configuration.getValueType();
        this.expiry = configuration.getExpiryPolicyFactory().create();
        this.loader = configuration.getCacheLoaderFactory() == null
                ? null
                : configuration.getCacheLoaderFactory().create();
        this.writer = writer(configuration);
        this.statistics = new Statistics(configuration.isStatisticsEnabled());
        for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
            listeners.register(listener);
        }
    }

    /** A writer of supertypes of K and V takes every K and V: seen as one of K and V, for writeAll's collection. */
    @SuppressWarnings("unchecked")
    private static <K, V> CacheWriter<K, V> writer(MutableConfiguration<K, V> configuration) {
        return configuration.getCacheWriterFactory() == null
                ? null
                : (CacheWriter<K, V>) configuration.getCacheWriterFactory().create();
    }

    static String tag(String cacheName) {
        return "jcache:" + cacheName;
    }

    MutableConfiguration<K, V> configuration() {
        return configuration;
    }

    Statistics statistics() {
        return statistics;
    }

    ConfigurationBean configurationBean() {
        return configurationBean;
    }

    // ---- reads

    /** What the store holds for a key: the raw bytes, their expiry and the decoded value. */
    private record Stored<V>(byte[] bytes, long expiresAt, V value) {}

    private Stored<V> readRaw(String skey) {
        Lookup<byte[]> found = storeGet(skey);
        if (!found.isHit() || found.value() == null) {
            return null;
        }
        byte[] bytes = found.value();
        return new Stored<>(bytes, EntryForm.expiresAt(bytes), form.decode(bytes, valueType));
    }

    /** The live entry, or null; an entry found past its expiry is removed and heard as expired. */
    private Stored<V> readLive(K key, String skey) {
        Stored<V> stored = readRaw(skey);
        if (stored == null) {
            index.remove(skey);
            return null;
        }
        if (stored.expiresAt() <= now()) {
            expire(key, skey);
            return null;
        }
        index.put(skey, key);
        return stored;
    }

    private void expire(K key, String skey) {
        locked(skey, () -> {
            Stored<V> again = readRaw(skey);
            if (again != null && again.expiresAt() <= now()) {
                storeRemove(skey);
                index.remove(skey);
                listeners.expired(this, key, again.value());
            }
            return null;
        });
    }

    /** Applies the access expiry to an entry just read (moving or ending its life), counting the call. */
    private void accessed(K key, String skey, Stored<V> stored) {
        javax.cache.expiry.Duration d;
        try {
            d = expiry.getExpiryForAccess();
        } catch (RuntimeException e) {
            return;
        }
        if (d == null) {
            return;
        }
        long expiresAt = d.isEternal() ? EntryForm.ETERNAL : d.getAdjustedTime(now());
        locked(skey, () -> {
            Stored<V> again = readRaw(skey);
            if (again == null || !java.util.Arrays.equals(again.bytes(), stored.bytes())) {
                return null;
            }
            if (d.isZero()) {
                storeRemove(skey);
                index.remove(skey);
                listeners.expired(this, key, again.value());
            } else {
                writeBytes(skey, EntryForm.withExpiry(again.bytes(), expiresAt), expiresAt);
            }
            return null;
        });
    }

    @Override
    public V get(K key) {
        open();
        requireKey(key);
        long start = System.nanoTime();
        String skey = form.key(key);
        Stored<V> stored = readLive(key, skey);
        V result;
        if (stored != null) {
            statistics.hits(1);
            accessed(key, skey, stored);
            result = stored.value();
        } else {
            statistics.misses(1);
            result = configuration.isReadThrough() && loader != null ? load(key, skey) : null;
        }
        statistics.getTime(start);
        return result;
    }

    /** Signals, through cachekit's load, that this JVM's loader ran and wrote its own entry. */
    private static final class Loaded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Object value;

        Loaded(Object value) {
            super(null, null, false, false);
            this.value = value;
        }
    }

    /**
     * Read-through: cachekit's getOrLoad gives one load per key cluster-wide (single flight in this
     * JVM, the load lock across processes). The loader writes the entry itself, with the creation
     * expiry, and ends the load with {@link Loaded} so cachekit caches nothing more: a loader that
     * returns null caches nothing, as JSR-107 asks, where cachekit would cache a null.
     */
    private V load(K key, String skey) {
        for (int attempt = 0; attempt < 3; attempt++) {
            byte[] found;
            try {
                found = view.getOrLoad(skey, byte[].class, () -> {
                    V value;
                    try {
                        value = loader.load(key);
                    } catch (CacheLoaderException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new CacheLoaderException("loader of cache " + name + " failed for " + key + ": " + e, e);
                    }
                    if (value != null) {
                        storeLoaded(key, skey, value, false);
                    }
                    throw new Loaded(value);
                });
            } catch (CacheLoadException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Loaded loaded) {
                    @SuppressWarnings("unchecked")
                    V value = (V) loaded.value;
                    return value;
                }
                if (cause instanceof CacheLoaderException cle) {
                    throw cle;
                }
                throw new CacheLoaderException("loading " + key + " into cache " + name + " failed: " + cause, cause);
            } catch (dev.cachekit.CacheException e) {
                throw new CacheException("loading " + key + " into cache " + name + " failed: " + e, e);
            }
            if (found == null) {
                return null;
            }
            long expiresAt = EntryForm.expiresAt(found);
            if (expiresAt > now()) {
                index.put(skey, key);
                return form.decode(found, valueType);
            }
            expire(key, skey);
        }
        return null;
    }

    /** Stores a value a loader returned: no write-through, creation or update expiry, one event. */
    private void storeLoaded(K key, String skey, V value, boolean replaceExisting) {
        requireValue(value);
        locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            if (old != null && !replaceExisting) {
                return null;
            }
            writeValue(key, skey, value, old, false);
            return null;
        });
    }

    @Override
    public Map<K, V> getAll(Set<? extends K> keys) {
        open();
        requireKeys(keys);
        long start = System.nanoTime();
        // One read per key for now; a bulk CacheView.getAll would make this one round trip.
        Map<K, V> result = new LinkedHashMap<>();
        List<K> missing = new ArrayList<>();
        for (K key : keys) {
            String skey = form.key(key);
            Stored<V> stored = readLive(key, skey);
            if (stored != null) {
                statistics.hits(1);
                accessed(key, skey, stored);
                result.put(key, stored.value());
            } else {
                statistics.misses(1);
                missing.add(key);
            }
        }
        if (!missing.isEmpty() && configuration.isReadThrough() && loader != null) {
            Map<K, V> loaded;
            try {
                loaded = loader.loadAll(missing);
            } catch (CacheLoaderException e) {
                throw e;
            } catch (Exception e) {
                throw new CacheLoaderException("loader of cache " + name + " failed: " + e, e);
            }
            if (loaded != null) {
                for (Map.Entry<K, V> entry : loaded.entrySet()) {
                    if (entry.getKey() != null && entry.getValue() != null) {
                        storeLoaded(entry.getKey(), form.key(entry.getKey()), entry.getValue(), false);
                        result.put(entry.getKey(), entry.getValue());
                    }
                }
            }
        }
        statistics.getTime(start);
        return result;
    }

    @Override
    public boolean containsKey(K key) {
        open();
        requireKey(key);
        return readLive(key, form.key(key)) != null;
    }

    @Override
    public void loadAll(Set<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
        open();
        requireKeys(keys);
        CompletionListener listener = completionListener == null ? new NoCompletionListener() : completionListener;
        if (loader == null) {
            listener.onCompletion();
            return;
        }
        executor.execute(() -> {
            try {
                List<K> toLoad = new ArrayList<>();
                for (K key : keys) {
                    if (replaceExistingValues || !containsKey(key)) {
                        toLoad.add(key);
                    }
                }
                Map<K, V> loaded = toLoad.isEmpty() ? Map.of() : loader.loadAll(toLoad);
                if (loaded != null) {
                    for (Map.Entry<K, V> entry : loaded.entrySet()) {
                        if (entry.getKey() != null && entry.getValue() != null) {
                            storeLoaded(
                                    entry.getKey(), form.key(entry.getKey()), entry.getValue(), replaceExistingValues);
                        }
                    }
                }
                listener.onCompletion();
            } catch (Exception e) {
                listener.onException(
                        e instanceof CacheLoaderException ? e : new CacheLoaderException("loadAll failed: " + e, e));
            }
        });
    }

    private static final class NoCompletionListener implements CompletionListener {
        @Override
        public void onCompletion() {}

        @Override
        public void onException(Exception e) {}
    }

    // ---- writes

    /**
     * Writes a value over what was there ({@code old}, null when absent) with the creation or update
     * expiry, and tells the listeners. An expiry of zero leaves no entry (a present one is removed).
     * Write-through, when asked, runs first: if the writer fails nothing changes.
     *
     * @return whether an entry is in the store afterwards
     */
    private boolean writeValue(K key, String skey, V value, Stored<V> old, boolean writeThrough) {
        if (writeThrough) {
            writeThrough(key, value);
        }
        javax.cache.expiry.Duration d;
        try {
            d = old == null ? expiry.getExpiryForCreation() : expiry.getExpiryForUpdate();
        } catch (RuntimeException e) {
            d = old == null ? javax.cache.expiry.Duration.ETERNAL : null;
        }
        long expiresAt;
        if (d == null) {
            expiresAt = old == null ? EntryForm.ETERNAL : old.expiresAt();
        } else if (d.isZero()) {
            if (old != null) {
                storeRemove(skey);
                index.remove(skey);
                listeners.expired(this, key, old.value());
            }
            return false;
        } else {
            expiresAt = d.isEternal() ? EntryForm.ETERNAL : d.getAdjustedTime(now());
        }
        writeBytes(skey, form.value(value, expiresAt), expiresAt);
        index.put(skey, key);
        if (old == null) {
            listeners.created(this, key, value);
        } else {
            listeners.updated(this, key, value, old.value());
        }
        return true;
    }

    private void writeBytes(String skey, byte[] bytes, long expiresAt) {
        Duration ttl = expiresAt == EntryForm.ETERNAL
                ? dev.cachekit.Cache.FOREVER
                : Duration.ofMillis(Math.max(1, expiresAt - now()) + EXPIRED_GRACE_MILLIS);
        try {
            view.put(skey, bytes, ttl);
        } catch (dev.cachekit.CacheException e) {
            throw storeFailure("write", e);
        }
    }

    private void writeThrough(K key, V value) {
        if (!configuration.isWriteThrough() || writer == null) {
            return;
        }
        try {
            writer.write(new JCacheEntry<>(key, value));
        } catch (CacheWriterException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheWriterException("writer of cache " + name + " failed for " + key + ": " + e, e);
        }
    }

    private void deleteThrough(K key) {
        if (!configuration.isWriteThrough() || writer == null) {
            return;
        }
        try {
            writer.delete(key);
        } catch (CacheWriterException e) {
            throw e;
        } catch (Exception e) {
            throw new CacheWriterException("writer of cache " + name + " failed to delete " + key + ": " + e, e);
        }
    }

    private void removeStored(K key, String skey, Stored<V> old) {
        storeRemove(skey);
        index.remove(skey);
        listeners.removed(this, key, old.value());
    }

    @Override
    public void put(K key, V value) {
        open();
        requireKey(key);
        requireValue(value);
        long start = System.nanoTime();
        String skey = form.key(key);
        boolean stored = locked(skey, () -> writeValue(key, skey, value, readLive(key, skey), true));
        if (stored) {
            statistics.puts(1);
        }
        statistics.putTime(start);
    }

    @Override
    public V getAndPut(K key, V value) {
        open();
        requireKey(key);
        requireValue(value);
        long start = System.nanoTime();
        String skey = form.key(key);
        boolean[] stored = {false};
        V previous = locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            stored[0] = writeValue(key, skey, value, old, true);
            return old == null ? null : old.value();
        });
        if (previous == null) {
            statistics.misses(1);
        } else {
            statistics.hits(1);
        }
        if (stored[0]) {
            statistics.puts(1);
        }
        statistics.getTime(start);
        statistics.putTime(start);
        return previous;
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> map) {
        open();
        Objects.requireNonNull(map, "map");
        for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
            requireKey(entry.getKey());
            requireValue(entry.getValue());
        }
        long start = System.nanoTime();
        Map<K, V> toStore = new LinkedHashMap<>(map);
        CacheWriterException failure = null;
        if (configuration.isWriteThrough() && writer != null && !toStore.isEmpty()) {
            List<Cache.Entry<? extends K, ? extends V>> entries = new ArrayList<>();
            toStore.forEach((k, v) -> entries.add(new JCacheEntry<>(k, v)));
            try {
                writer.writeAll(entries);
            } catch (Exception e) {
                failure = e instanceof CacheWriterException cwe
                        ? cwe
                        : new CacheWriterException("writer of cache " + name + " failed: " + e, e);
                // The entries the writer left in the collection were not written: keep them out of the cache.
                for (Cache.Entry<? extends K, ? extends V> unwritten : entries) {
                    toStore.remove(unwritten.getKey());
                }
            }
        }
        // One locked write per key for now; a bulk CacheView.putAll would batch the writes.
        for (Map.Entry<K, V> entry : toStore.entrySet()) {
            K key = entry.getKey();
            String skey = form.key(key);
            if (locked(skey, () -> writeValue(key, skey, entry.getValue(), readLive(key, skey), false))) {
                statistics.puts(1);
            }
        }
        statistics.putTime(start);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean putIfAbsent(K key, V value) {
        open();
        requireKey(key);
        requireValue(value);
        long start = System.nanoTime();
        String skey = form.key(key);
        int outcome = locked(skey, () -> {
            if (readLive(key, skey) != null) {
                return 0;
            }
            return writeValue(key, skey, value, null, true) ? 2 : 1;
        });
        if (outcome == 0) {
            statistics.hits(1);
        } else {
            statistics.misses(1);
        }
        if (outcome == 2) {
            statistics.puts(1);
            statistics.putTime(start);
        }
        return outcome != 0;
    }

    @Override
    public boolean remove(K key) {
        open();
        requireKey(key);
        long start = System.nanoTime();
        String skey = form.key(key);
        boolean removed = locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            deleteThrough(key);
            if (old == null) {
                return false;
            }
            removeStored(key, skey, old);
            return true;
        });
        if (removed) {
            statistics.removals(1);
            statistics.removeTime(start);
        }
        return removed;
    }

    @Override
    public boolean remove(K key, V oldValue) {
        open();
        requireKey(key);
        requireValue(oldValue);
        long start = System.nanoTime();
        String skey = form.key(key);
        int outcome = locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            if (old == null) {
                return 0;
            }
            if (!old.value().equals(oldValue)) {
                accessed(key, skey, old);
                return 1;
            }
            deleteThrough(key);
            removeStored(key, skey, old);
            return 2;
        });
        if (outcome == 0) {
            statistics.misses(1);
        } else {
            statistics.hits(1);
        }
        if (outcome == 2) {
            statistics.removals(1);
            statistics.removeTime(start);
        }
        return outcome == 2;
    }

    @Override
    public V getAndRemove(K key) {
        open();
        requireKey(key);
        long start = System.nanoTime();
        String skey = form.key(key);
        V previous = locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            deleteThrough(key);
            if (old == null) {
                return null;
            }
            removeStored(key, skey, old);
            return old.value();
        });
        if (previous == null) {
            statistics.misses(1);
        } else {
            statistics.hits(1);
            statistics.removals(1);
        }
        statistics.getTime(start);
        statistics.removeTime(start);
        return previous;
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        open();
        requireKey(key);
        requireValue(oldValue);
        requireValue(newValue);
        long start = System.nanoTime();
        String skey = form.key(key);
        int outcome = locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            if (old == null) {
                return 0;
            }
            if (!old.value().equals(oldValue)) {
                accessed(key, skey, old);
                return 1;
            }
            return writeValue(key, skey, newValue, old, true) ? 3 : 2;
        });
        if (outcome == 0) {
            statistics.misses(1);
        } else {
            statistics.hits(1);
        }
        if (outcome == 3) {
            statistics.puts(1);
            statistics.putTime(start);
        }
        return outcome >= 2;
    }

    @Override
    public boolean replace(K key, V value) {
        open();
        requireKey(key);
        requireValue(value);
        long start = System.nanoTime();
        String skey = form.key(key);
        int outcome = locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            if (old == null) {
                return 0;
            }
            return writeValue(key, skey, value, old, true) ? 2 : 1;
        });
        if (outcome == 0) {
            statistics.misses(1);
        } else {
            statistics.hits(1);
        }
        if (outcome == 2) {
            statistics.puts(1);
            statistics.putTime(start);
        }
        return outcome != 0;
    }

    @Override
    public V getAndReplace(K key, V value) {
        open();
        requireKey(key);
        requireValue(value);
        long start = System.nanoTime();
        String skey = form.key(key);
        boolean[] stored = {false};
        V previous = locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            if (old == null) {
                return null;
            }
            stored[0] = writeValue(key, skey, value, old, true);
            return old.value();
        });
        if (previous == null) {
            statistics.misses(1);
        } else {
            statistics.hits(1);
        }
        if (stored[0]) {
            statistics.puts(1);
            statistics.putTime(start);
        }
        statistics.getTime(start);
        return previous;
    }

    @Override
    public void removeAll(Set<? extends K> keys) {
        open();
        requireKeys(keys);
        removeKeys(new LinkedHashSet<>(keys));
    }

    private void removeKeys(Set<K> keys) {
        long start = System.nanoTime();
        Set<K> toRemove = new LinkedHashSet<>(keys);
        CacheWriterException failure = null;
        if (configuration.isWriteThrough() && writer != null && !toRemove.isEmpty()) {
            List<Object> remaining = new ArrayList<>(toRemove);
            try {
                writer.deleteAll(remaining);
            } catch (Exception e) {
                failure = e instanceof CacheWriterException cwe
                        ? cwe
                        : new CacheWriterException("writer of cache " + name + " failed: " + e, e);
                // The keys the writer left in the collection were not deleted: they stay in the cache.
                toRemove.removeAll(remaining);
            }
        }
        for (K key : toRemove) {
            String skey = form.key(key);
            boolean removed = locked(skey, () -> {
                Stored<V> old = readLive(key, skey);
                if (old == null) {
                    return false;
                }
                removeStored(key, skey, old);
                return true;
            });
            if (removed) {
                statistics.removals(1);
            }
        }
        statistics.removeTime(start);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Removes every entry: those this JVM knows of one by one (the writer and the listeners hear
     * of them), then a flush of the cache's tag for the entries other processes wrote.
     */
    @Override
    public void removeAll() {
        open();
        Set<K> known = new LinkedHashSet<>();
        for (Map.Entry<String, K> entry : index.entrySet()) {
            if (readLive(entry.getValue(), entry.getKey()) != null) {
                known.add(entry.getValue());
            }
        }
        removeKeys(known);
        if (!configuration.isWriteThrough() || writer == null) {
            storeFlush();
        }
    }

    @Override
    public void clear() {
        open();
        storeFlush();
        index.clear();
    }

    // ---- configuration

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
        if (clazz.isInstance(configuration)) {
            // A copy: changing it changes nothing in the cache.
            return clazz.cast(new MutableConfiguration<>(configuration));
        }
        throw new IllegalArgumentException("the configuration of cache " + name + " is a "
                + configuration.getClass().getName() + ", not a " + clazz.getName());
    }

    // ---- entry processors

    private enum Change {
        NONE,
        ACCESSED,
        MISSED,
        CREATED,
        UPDATED,
        REMOVED,
        LOADED
    }

    private final class Entry implements MutableEntry<K, V> {
        private final K key;
        private final Stored<V> old;
        private V value;
        private boolean exists;
        private Change change = Change.NONE;

        Entry(K key, Stored<V> old) {
            this.key = key;
            this.old = old;
            this.value = old == null ? null : old.value();
            this.exists = old != null;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            if (change == Change.NONE) {
                if (exists) {
                    change = Change.ACCESSED;
                } else if (configuration.isReadThrough() && loader != null) {
                    V loaded;
                    try {
                        loaded = loader.load(key);
                    } catch (CacheLoaderException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new CacheLoaderException("loader of cache " + name + " failed for " + key, e);
                    }
                    if (loaded != null) {
                        value = loaded;
                        exists = true;
                        change = Change.LOADED;
                    } else {
                        change = Change.MISSED;
                    }
                } else {
                    change = Change.MISSED;
                }
            }
            return value;
        }

        @Override
        public boolean exists() {
            return exists;
        }

        @Override
        public void remove() {
            // Removing what this processor created (or loaded) leaves the entry as absent as before;
            // removing an absent entry still deletes it through the writer.
            change =
                    old == null && (change == Change.CREATED || change == Change.LOADED) ? Change.NONE : Change.REMOVED;
            value = null;
            exists = false;
        }

        @Override
        public void setValue(V newValue) {
            requireValue(newValue);
            change = old == null ? Change.CREATED : Change.UPDATED;
            value = newValue;
            exists = true;
        }

        @Override
        public <T> T unwrap(Class<T> clazz) {
            if (clazz.isInstance(this)) {
                return clazz.cast(this);
            }
            throw new IllegalArgumentException("a mutable entry unwraps to itself only, not " + clazz.getName());
        }
    }

    @Override
    public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments)
            throws EntryProcessorException {
        open();
        requireKey(key);
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        long start = System.nanoTime();
        String skey = form.key(key);
        return locked(skey, () -> {
            Stored<V> old = readLive(key, skey);
            Entry entry = new Entry(key, old);
            T result;
            try {
                result = entryProcessor.process(entry, arguments);
            } catch (EntryProcessorException e) {
                throw e;
            } catch (Exception e) {
                throw new EntryProcessorException(e);
            }
            // JSR-107 counts an invoke as a hit on an entry that was there, a miss on one that was not.
            if (old != null) {
                statistics.hits(1);
            } else {
                statistics.misses(1);
            }
            statistics.getTime(start);
            switch (entry.change) {
                case NONE, MISSED -> {}
                case ACCESSED -> accessed(key, skey, old);
                case LOADED -> {
                    if (writeValue(key, skey, entry.value, null, false)) {
                        statistics.puts(1);
                    }
                }
                case CREATED, UPDATED -> {
                    if (writeValue(key, skey, entry.value, old, true)) {
                        statistics.puts(1);
                    }
                    statistics.putTime(start);
                }
                case REMOVED -> {
                    deleteThrough(key);
                    if (old != null) {
                        removeStored(key, skey, old);
                        statistics.removals(1);
                        statistics.removeTime(start);
                    }
                }
            }
            return result;
        });
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(
            Set<? extends K> keys, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
        open();
        requireKeys(keys);
        Objects.requireNonNull(entryProcessor, "entryProcessor");
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T result = invoke(key, entryProcessor, arguments);
                if (result != null) {
                    results.put(key, () -> result);
                }
            } catch (EntryProcessorException e) {
                results.put(key, () -> {
                    throw e;
                });
            } catch (CacheException e) {
                EntryProcessorException wrapped = new EntryProcessorException(e);
                results.put(key, () -> {
                    throw wrapped;
                });
            }
        }
        return results;
    }

    // ---- listeners

    @Override
    public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        open();
        Objects.requireNonNull(listenerConfiguration, "cacheEntryListenerConfiguration");
        configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
        listeners.register(listenerConfiguration);
    }

    @Override
    public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        Objects.requireNonNull(listenerConfiguration, "cacheEntryListenerConfiguration");
        configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
        listeners.deregister(listenerConfiguration);
    }

    // ---- iteration

    /**
     * Iterates the entries this JVM knows of (it wrote or read them) that are still live: the stores
     * cannot list keys, so entries only another process wrote are not seen. Each entry is one read.
     */
    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        open();
        if (!iterationExplained) {
            iterationExplained = true;
            LOG.warn(
                    "iterator() of cache {} lists the entries this JVM wrote or read: {} cannot list keys, so"
                            + " entries only another process wrote are not seen",
                    name,
                    kit.describe());
        }
        List<Map.Entry<String, K>> snapshot = new ArrayList<>(index.entrySet());
        return new Iterator<>() {
            private int next;
            private Cache.Entry<K, V> pending;
            private K last;

            @Override
            public boolean hasNext() {
                while (pending == null && next < snapshot.size()) {
                    Map.Entry<String, K> candidate = snapshot.get(next++);
                    Stored<V> stored = readLive(candidate.getValue(), candidate.getKey());
                    if (stored != null) {
                        statistics.hits(1);
                        accessed(candidate.getValue(), candidate.getKey(), stored);
                        pending = new JCacheEntry<>(candidate.getValue(), stored.value());
                    }
                }
                return pending != null;
            }

            @Override
            public Cache.Entry<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Cache.Entry<K, V> result = pending;
                pending = null;
                last = result.getKey();
                return result;
            }

            @Override
            public void remove() {
                if (last == null) {
                    throw new IllegalStateException("next() has not been called, or remove() was called already");
                }
                JCache.this.remove(last);
                last = null;
            }
        };
    }

    // ---- lifecycle

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        manager.released(this);
        MBeans.unregister(this, MBeans.Kind.CacheConfiguration);
        MBeans.unregister(this, MBeans.Kind.CacheStatistics);
        Listeners.close(loader);
        Listeners.close(writer);
        Listeners.close(expiry);
        listeners.closeAll();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz.isInstance(kit)) {
            return clazz.cast(kit);
        }
        throw new IllegalArgumentException("cache " + name + " unwraps to "
                + getClass().getName() + " or " + dev.cachekit.Cache.class.getName() + ", not " + clazz.getName());
    }

    // ---- helpers

    private Lookup<byte[]> storeGet(String skey) {
        try {
            return view.get(skey, byte[].class);
        } catch (dev.cachekit.CacheException e) {
            throw storeFailure("read", e);
        }
    }

    private void storeRemove(String skey) {
        try {
            view.remove(skey);
        } catch (dev.cachekit.CacheException e) {
            throw storeFailure("remove", e);
        }
    }

    private void storeFlush() {
        try {
            view.flush();
        } catch (dev.cachekit.CacheException e) {
            throw storeFailure("flush", e);
        }
    }

    /** A cachekit failure (store unreachable, corrupt entry) as the JCache exception callers catch. */
    private CacheException storeFailure(String operation, dev.cachekit.CacheException e) {
        return new CacheException(
                "cache " + name + " could not " + operation + " on " + kit.describe() + ": " + e.getMessage(), e);
    }

    private <R> R locked(String skey, Supplier<R> body) {
        String lockName = "jcache:" + name + ":" + Math.floorMod(skey.hashCode(), STRIPES);
        Set<String> held = manager.locksHeldByThisThread();
        if (held.contains(lockName)) {
            return body.get();
        }
        Optional<HeldLock> lock;
        try {
            lock = kit.lock(lockName).withLease(LOCK_LEASE).withWatchdog(true).tryAcquire(LOCK_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("interrupted while waiting for the lock of a key in cache " + name, e);
        } catch (dev.cachekit.CacheException e) {
            throw new CacheException("cannot take the lock of a key in cache " + name + ": " + e, e);
        }
        if (lock.isEmpty()) {
            throw new CacheException("the lock of a key in cache " + name + " stayed held for " + LOCK_WAIT
                    + ": another process holds it and does not let go");
        }
        held.add(lockName);
        try (HeldLock ignored = lock.get()) {
            return body.get();
        } finally {
            held.remove(lockName);
        }
    }

    private void open() {
        if (closed || manager.isClosed()) {
            throw new IllegalStateException("cache " + name + " is closed");
        }
    }

    private void requireKey(K key) {
        Objects.requireNonNull(key, "key");
        Class<K> type = configuration.getKeyType();
        if (type != Object.class && !type.isInstance(key)) {
            throw new ClassCastException("cache " + name + " takes keys of " + type.getName() + ", not "
                    + key.getClass().getName());
        }
    }

    private void requireValue(V value) {
        Objects.requireNonNull(value, "value");
        if (valueType != Object.class && !valueType.isInstance(value)) {
            throw new ClassCastException("cache " + name + " takes values of " + valueType.getName() + ", not "
                    + value.getClass().getName());
        }
    }

    private void requireKeys(Collection<? extends K> keys) {
        Objects.requireNonNull(keys, "keys");
        for (K key : keys) {
            requireKey(key);
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    @Override
    public String toString() {
        return "JCache[" + name + " on " + kit.describe() + "]";
    }
}
