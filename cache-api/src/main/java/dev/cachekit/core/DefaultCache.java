package dev.cachekit.core;

import dev.cachekit.AsyncLoader;
import dev.cachekit.BulkLoader;
import dev.cachekit.Cache;
import dev.cachekit.CacheException;
import dev.cachekit.CacheListener;
import dev.cachekit.CacheLock;
import dev.cachekit.CacheView;
import dev.cachekit.HeldLock;
import dev.cachekit.LoadTimeoutPolicy;
import dev.cachekit.Loader;
import dev.cachekit.Lookup;
import dev.cachekit.RefreshAhead;
import dev.cachekit.StoreErrorPolicy;
import dev.cachekit.TaggedCache;
import dev.cachekit.codec.Codec;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link Cache}, over any {@link Backend}: checks arguments and hands
 * the work to {@link Entries} (reads and writes), {@link LoadCoordinator} ({@code getOrLoad}) and
 * {@link KeyLayout} (every store key).
 */
final class DefaultCache implements Cache {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultCache.class);
    /** How long {@link #close()} waits for queued touches (the renewals wait on their own). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** An entry keeps a tag name's length (escaped as store keys are, in UTF-8) in two bytes. */
    private static final int MAX_TAG_NAME_BYTES = 0xFFFF;
    /** The envelope counts tags in two bytes; far fewer are sensible, but this is the hard limit. */
    static final int MAX_TAGS = 0xFFFF;

    /** Resolved settings; see {@link CacheBuilder} for their meaning and defaults. */
    record Settings(
            String prefix,
            Duration defaultTtl,
            Duration nullTtl,
            Duration touchWindow,
            Duration lockLease,
            Duration loadTimeout,
            LoadTimeoutPolicy loadTimeoutPolicy,
            StoreErrorPolicy storeErrorPolicy,
            Clock clock,
            Executor touchExecutor,
            CacheListener listener,
            Executor executor,
            RefreshAhead refreshAhead,
            double ttlJitter,
            boolean cacheAbsent) {}

    private final Backend backend;
    private final Store store;
    private final Settings settings;
    private final KeyLayout layout;
    private final StoreCapabilities capabilities;
    private final LockRenewals renewals;
    private final Entries entries;
    private final Touches touches;
    private final LoadCoordinator loads;
    private final BulkLoads bulkLoads;
    private final Refresher refresher;
    private final Events events;
    private final CacheExecutor executor;
    private final AsyncCalls async;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final View untagged;

    DefaultCache(Backend backend, Settings settings, Codec codec) {
        this.backend = backend;
        this.store = backend.store();
        this.settings = settings;
        this.layout = KeyLayout.of(settings.prefix());
        this.capabilities = store.capabilities();
        this.renewals = new LockRenewals(store.describe());
        this.events = new Events(settings.listener());
        this.touches = new Touches(store, settings.touchWindow(), settings.touchExecutor());
        this.entries = new Entries(
                store,
                backend.tagger(),
                new EntryCodec(codec, capabilities, store.describe()),
                new TagCheck(store, layout),
                touches,
                settings.clock(),
                events,
                settings.ttlJitter());
        this.loads = new LoadCoordinator(backend.locker(), layout, renewals, settings, events);
        this.executor = new CacheExecutor(settings.executor(), store.describe());
        this.async = new AsyncCalls(executor, settings.loadTimeout());
        this.bulkLoads = new BulkLoads(loads, backend.locker(), layout, renewals, settings, events);
        this.refresher = new Refresher(
                backend.locker(),
                layout,
                renewals,
                settings.lockLease(),
                settings.clock(),
                events,
                this::backgroundExecutor);
        this.untagged = new View(Entries.Tags.NONE);
    }

    // ---- Cache --------------------------------------------------------------------------------

    @Override
    public TaggedCache tags(String... tags) {
        Objects.requireNonNull(tags, "tags");
        return tags(Arrays.asList(tags));
    }

    @Override
    public TaggedCache tags(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags");
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a tagged view needs at least one tag");
        }
        // Each name with the bytes an entry records for it, computed once here rather than per write or read.
        TreeMap<String, byte[]> sorted = new TreeMap<>();
        for (String tag : tags) {
            Objects.requireNonNull(tag, "tag");
            if (tag.isEmpty()) {
                throw new IllegalArgumentException("a tag must not be empty");
            }
            byte[] encoded = Envelope.encodeName(tag);
            if (encoded.length > MAX_TAG_NAME_BYTES) {
                throw new IllegalArgumentException("tag " + Printable.quote(tag) + " is longer than "
                        + MAX_TAG_NAME_BYTES + " UTF-8 bytes (once '%', '|' and lone surrogates are escaped)");
            }
            checkKeyLength(layout.tag(tag), "tag " + Printable.quote(tag));
            sorted.put(tag, encoded);
        }
        if (sorted.size() > MAX_TAGS) {
            throw new IllegalArgumentException("a view takes at most " + MAX_TAGS + " tags, was given " + sorted.size()
                    + "; an entry records every tag's version, and a read fetches them all");
        }
        List<String> names = List.copyOf(sorted.keySet());
        List<String> keys = new ArrayList<>(names.size());
        for (String name : names) {
            keys.add(layout.tag(name));
        }
        return new View(new Entries.Tags(names, List.copyOf(keys), List.copyOf(sorted.values())));
    }

    @Override
    public CacheLock lock(String name) {
        checkName(name, "lock name");
        String key = layout.lock(name);
        checkKeyLength(key, "lock name " + Printable.quote(name));
        return new DefaultCacheLock(name, key, layout.fence(name), backend.locker(), renewals);
    }

    /** Holds the lock at a raw store key (a load lock, say) as another node would; for tests. */
    HeldLock lockAt(String storeKey, Duration lease) {
        return new DefaultCacheLock(storeKey, storeKey, null, backend.locker(), renewals)
                .withLease(lease)
                .tryAcquire()
                .orElseThrow(() -> new IllegalStateException(storeKey + " is already held"));
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            touches.shutdown();
            executor.shutdown();
            renewals.close();
            try {
                long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
                if (!touches.awaitTermination(CLOSE_WAIT.toNanos())) {
                    LOG.warn(
                            "closing the cache on {}: queued touches did not finish within {}; closing the store anyway",
                            store.describe(),
                            CLOSE_WAIT);
                }
                // Queued async calls fail at once (the cache is closed); those in flight end on their own.
                if (!executor.awaitTermination(deadline)) {
                    LOG.warn(
                            "closing the cache on {}: async calls in flight did not finish within {}; closing the"
                                    + " store anyway",
                            store.describe(),
                            CLOSE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                backend.close();
            }
        }
    }

    /**
     * Where refreshes run: the cache's executor, the user's or its own; a refresh it refuses is
     * skipped.
     */
    private Executor backgroundExecutor() {
        return executor.executor();
    }

    /** The resolved settings; for tests. */
    Settings settings() {
        return settings;
    }

    /** Refreshes queued or running in this cache; for tests. */
    int refreshesInFlight() {
        return refresher.inFlight();
    }

    /** Touches dropped because their executor was full; for tests. */
    long droppedTouches() {
        return touches.dropped();
    }

    // ---- CacheView, untagged ------------------------------------------------------------------

    @Override
    public <T> Lookup<T> get(String key, Class<T> type) {
        return untagged.get(key, type);
    }

    @Override
    public void put(String key, Object value) {
        untagged.put(key, value);
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        untagged.put(key, value, ttl);
    }

    @Override
    public void remove(String key) {
        untagged.remove(key);
    }

    @Override
    public <T> T getOrLoad(String key, Class<T> type, Loader<? extends T> loader) {
        return untagged.getOrLoad(key, type, loader);
    }

    @Override
    public <T> T getOrLoad(String key, Class<T> type, Duration ttl, Loader<? extends T> loader) {
        return untagged.getOrLoad(key, type, ttl, loader);
    }

    @Override
    public <T> Map<String, Lookup<T>> getAll(Collection<String> keys, Class<T> type) {
        return untagged.getAll(keys, type);
    }

    @Override
    public void putAll(Map<String, ?> entries) {
        untagged.putAll(entries);
    }

    @Override
    public void putAll(Map<String, ?> entries, Duration ttl) {
        untagged.putAll(entries, ttl);
    }

    @Override
    public void removeAll(Collection<String> keys) {
        untagged.removeAll(keys);
    }

    @Override
    public <T> Map<String, T> getOrLoadAll(Collection<String> keys, Class<T> type, BulkLoader<? extends T> loader) {
        return untagged.getOrLoadAll(keys, type, loader);
    }

    @Override
    public <T> Map<String, T> getOrLoadAll(
            Collection<String> keys, Class<T> type, Duration ttl, BulkLoader<? extends T> loader) {
        return untagged.getOrLoadAll(keys, type, ttl, loader);
    }

    @Override
    public <T> CompletableFuture<Lookup<T>> getAsync(String key, Class<T> type) {
        return untagged.getAsync(key, type);
    }

    @Override
    public <T> CompletableFuture<Map<String, Lookup<T>>> getAllAsync(Collection<String> keys, Class<T> type) {
        return untagged.getAllAsync(keys, type);
    }

    @Override
    public CompletableFuture<Void> putAsync(String key, Object value) {
        return untagged.putAsync(key, value);
    }

    @Override
    public CompletableFuture<Void> putAsync(String key, Object value, Duration ttl) {
        return untagged.putAsync(key, value, ttl);
    }

    @Override
    public <T> CompletableFuture<T> getOrLoadAsync(String key, Class<T> type, AsyncLoader<? extends T> loader) {
        return untagged.getOrLoadAsync(key, type, loader);
    }

    @Override
    public <T> CompletableFuture<T> getOrLoadAsync(
            String key, Class<T> type, Duration ttl, AsyncLoader<? extends T> loader) {
        return untagged.getOrLoadAsync(key, type, ttl, loader);
    }

    @Override
    public CacheView withRefreshAhead(RefreshAhead rule) {
        return untagged.withRefreshAhead(rule);
    }

    /** A view over one sorted tag set (none for the untagged view): argument checks, then delegation. */
    private final class View implements TaggedCache {
        private final Entries.Tags tags;
        /** This view's refresh-ahead rule; null for the cache's. */
        private final RefreshAhead refreshAhead;

        View(Entries.Tags tags) {
            this(tags, null);
        }

        View(Entries.Tags tags, RefreshAhead refreshAhead) {
            this.tags = tags;
            this.refreshAhead = refreshAhead;
        }

        private RefreshAhead refreshRule() {
            return refreshAhead != null ? refreshAhead : settings.refreshAhead();
        }

        /**
         * A refresh of one key of {@code getOrLoadAll}: the bulk loader asked for that key alone. A
         * key it does not return fails the refresh (the entry stays as it was) rather than caching a
         * null the caller never asked for.
         */
        private <T> T loadOne(BulkLoader<? extends T> loader, String key) throws Exception {
            Map<String, ? extends T> loaded = loader.loadAll(Collections.singleton(key));
            if (loaded == null || !loaded.containsKey(key)) {
                throw new CacheException("the bulk loader returned no value for key " + Printable.quote(key)
                        + " when refreshing it ahead of its expiry; the entry is left as it was");
            }
            return loaded.get(key);
        }

        /**
         * Refresh-ahead for one entry a read found current: starts a background reload if the
         * view's rule says so, and returns at once. The hook for every read with a loader ({@code
         * getOrLoad} calls it through {@link LoadCoordinator.Entry#served}).
         *
         * @param key the caller's key
         * @param storeKey its store key
         * @param seen the entry's times as the read found them
         * @param type the value's type
         * @param loader what reloads this one key
         * @param ttl the TTL the reloaded value is written with (a null with the null TTL)
         */
        <T> void refreshIfDue(
                String key,
                String storeKey,
                Entries.Stamp seen,
                Class<T> type,
                Loader<? extends T> loader,
                Duration ttl) {
            refresher.refreshIfDue(refreshRule(), key, storeKey, seen, loader, new Refresher.Target<T>() {
                @Override
                public Entries.Stamp reread() {
                    checkOpen();
                    Entries.Stamp[] now = new Entries.Stamp[1];
                    entries.read(storeKey, tags, type, stamp -> now[0] = stamp);
                    return now[0];
                }

                @Override
                public void write(T value, long loadMillis) {
                    checkOpen();
                    entries.write(storeKey, tags, value, value == null ? settings.nullTtl() : ttl, loadMillis);
                }
            });
        }

        @Override
        public SortedSet<String> tags() {
            return Collections.unmodifiableSortedSet(new TreeSet<>(tags.names()));
        }

        @Override
        public void flush() {
            checkOpen();
            entries.flush(tags);
        }

        @Override
        public <T> Lookup<T> get(String key, Class<T> type) {
            String storeKey = entryKey(key);
            Objects.requireNonNull(type, "type");
            checkOpen();
            return entries.get(key, storeKey, tags, type);
        }

        @Override
        public void put(String key, Object value) {
            String storeKey = entryKey(key);
            checkOpen();
            entries.put(key, storeKey, tags, value, value == null ? settings.nullTtl() : settings.defaultTtl());
        }

        @Override
        public void put(String key, Object value, Duration ttl) {
            String storeKey = entryKey(key);
            checkTtl(ttl);
            checkOpen();
            entries.put(key, storeKey, tags, value, ttl);
        }

        @Override
        public void remove(String key) {
            String storeKey = entryKey(key);
            checkOpen();
            entries.remove(key, storeKey);
        }

        @Override
        public <T> T getOrLoad(String key, Class<T> type, Loader<? extends T> loader) {
            return getOrLoad(key, type, settings.defaultTtl(), loader);
        }

        @Override
        public <T> T getOrLoad(String key, Class<T> type, Duration ttl, Loader<? extends T> loader) {
            String storeKey = entryKey(key);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(loader, "loader");
            checkTtl(ttl);
            checkOpen();
            entries.checkEncodable(storeKey, type);
            boolean refreshing = refreshRule().isOn();
            return loads.getOrLoad(
                    key,
                    storeKey,
                    type,
                    new LoadCoordinator.Entry<T>() {
                        /** The times of the entry the last read found current, kept only with refresh-ahead on. */
                        private Entries.Stamp seen;

                        @Override
                        public Lookup<T> read() {
                            checkOpen();
                            seen = null;
                            return entries.read(storeKey, tags, type, refreshing ? stamp -> seen = stamp : null);
                        }

                        @Override
                        public void write(T value) {
                            write(value, 0);
                        }

                        @Override
                        public void write(T value, long loadMillis) {
                            checkOpen();
                            entries.write(storeKey, tags, value, value == null ? settings.nullTtl() : ttl, loadMillis);
                        }

                        @Override
                        public void served() {
                            if (seen != null) {
                                refreshIfDue(key, storeKey, seen, type, loader, ttl);
                            }
                        }
                    },
                    loader);
        }

        @Override
        public <T> Map<String, Lookup<T>> getAll(Collection<String> keys, Class<T> type) {
            Batch batch = batch(keys);
            Objects.requireNonNull(type, "type");
            checkOpen();
            return entries.getAll(batch.keys(), batch.storeKeys(), tags, type);
        }

        @Override
        public void putAll(Map<String, ?> values) {
            putAll(values, settings.defaultTtl(), settings.nullTtl());
        }

        @Override
        public void putAll(Map<String, ?> values, Duration ttl) {
            checkTtl(ttl);
            putAll(values, ttl, ttl);
        }

        private void putAll(Map<String, ?> values, Duration ttl, Duration nullTtl) {
            Objects.requireNonNull(values, "entries");
            List<String> keys = new ArrayList<>(values.size());
            List<String> storeKeys = new ArrayList<>(values.size());
            List<Object> written = new ArrayList<>(values.size());
            for (Map.Entry<String, ?> entry : values.entrySet()) {
                String key = entry.getKey();
                if (key == null) {
                    throw new NullPointerException("entries hold a null key; nothing was written");
                }
                keys.add(key);
                storeKeys.add(entryKey(key));
                written.add(entry.getValue());
            }
            checkOpen();
            entries.putAll(keys, storeKeys, written, tags, ttl, nullTtl);
        }

        @Override
        public void removeAll(Collection<String> keys) {
            Batch batch = batch(keys);
            checkOpen();
            entries.removeAll(batch.keys(), batch.storeKeys());
        }

        @Override
        public <T> Map<String, T> getOrLoadAll(Collection<String> keys, Class<T> type, BulkLoader<? extends T> loader) {
            return getOrLoadAll(keys, type, settings.defaultTtl(), loader);
        }

        @Override
        public <T> Map<String, T> getOrLoadAll(
                Collection<String> keys, Class<T> type, Duration ttl, BulkLoader<? extends T> loader) {
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(loader, "loader");
            checkTtl(ttl);
            // Every key is checked before anything is sent: a bad key fails the call with nothing read.
            Map<String, String> storeKeys = new LinkedHashMap<>();
            for (String key : keys) {
                if (!storeKeys.containsKey(key)) {
                    storeKeys.put(key, entryKey(key));
                }
            }
            checkOpen();
            if (storeKeys.isEmpty()) {
                return Collections.emptyMap();
            }
            entries.checkEncodable(storeKeys.values().iterator().next(), type);
            boolean refreshing = refreshRule().isOn();
            Map<String, String> keyOf = new HashMap<>();
            if (refreshing) {
                storeKeys.forEach((key, storeKey) -> keyOf.put(storeKey, key));
            }
            return bulkLoads.getOrLoadAll(
                    storeKeys,
                    type,
                    ttl,
                    new BulkLoads.Entries<T>() {
                        // One multi-get for every key (and the view's tags), one multi-set per TTL.
                        @Override
                        public Map<String, Lookup<T>> readAll(List<String> keys) {
                            checkOpen();
                            if (keys.isEmpty()) {
                                return Map.of();
                            }
                            List<Entries.Stamp> seen = refreshing ? new ArrayList<>() : null;
                            List<Integer> at = refreshing ? new ArrayList<>() : null;
                            List<Lookup<T>> read = entries.readAll(
                                    keys,
                                    tags,
                                    type,
                                    refreshing
                                            ? (stamp, i) -> {
                                                seen.add(stamp);
                                                at.add(i);
                                            }
                                            : null);
                            if (refreshing) {
                                // Each hit inside its window reloads on its own, through the bulk loader with one key.
                                for (int j = 0; j < seen.size(); j++) {
                                    String storeKey = keys.get(at.get(j));
                                    String key = keyOf.get(storeKey);
                                    refreshIfDue(key, storeKey, seen.get(j), type, () -> loadOne(loader, key), ttl);
                                }
                            }
                            Map<String, Lookup<T>> found = new HashMap<>(keys.size() * 2);
                            for (int i = 0; i < keys.size(); i++) {
                                found.put(keys.get(i), read.get(i));
                            }
                            return found;
                        }

                        @Override
                        public void writeAll(Map<String, T> values, Duration valueTtl) {
                            checkOpen();
                            entries.writeAll(
                                    new ArrayList<>(values.keySet()),
                                    new ArrayList<>(values.values()),
                                    tags,
                                    valueTtl,
                                    settings.nullTtl());
                        }
                    },
                    loader);
        }

        // The async calls check their arguments here, on the caller's thread, then run the
        // blocking call on the executor (see AsyncCalls).

        @Override
        public <T> CompletableFuture<Lookup<T>> getAsync(String key, Class<T> type) {
            entryKey(key);
            Objects.requireNonNull(type, "type");
            checkOpen();
            return async.run(() -> get(key, type));
        }

        @Override
        public <T> CompletableFuture<Map<String, Lookup<T>>> getAllAsync(Collection<String> keys, Class<T> type) {
            Objects.requireNonNull(keys, "keys");
            List<String> copy = new ArrayList<>(keys.size());
            for (String key : keys) {
                entryKey(key);
                copy.add(key);
            }
            Objects.requireNonNull(type, "type");
            checkOpen();
            return async.run(() -> getAll(copy, type));
        }

        @Override
        public CompletableFuture<Void> putAsync(String key, Object value) {
            entryKey(key);
            checkOpen();
            return async.run(() -> {
                put(key, value);
                return null;
            });
        }

        @Override
        public CompletableFuture<Void> putAsync(String key, Object value, Duration ttl) {
            entryKey(key);
            checkTtl(ttl);
            checkOpen();
            return async.run(() -> {
                put(key, value, ttl);
                return null;
            });
        }

        @Override
        public <T> CompletableFuture<T> getOrLoadAsync(String key, Class<T> type, AsyncLoader<? extends T> loader) {
            return getOrLoadAsync(key, type, settings.defaultTtl(), loader);
        }

        @Override
        public <T> CompletableFuture<T> getOrLoadAsync(
                String key, Class<T> type, Duration ttl, AsyncLoader<? extends T> loader) {
            String storeKey = entryKey(key);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(loader, "loader");
            checkTtl(ttl);
            checkOpen();
            entries.checkEncodable(storeKey, type);
            Loader<T> blocking = async.awaiting(key, loader);
            return async.run(() -> getOrLoad(key, type, ttl, blocking));
        }

        @Override
        public TaggedCache withRefreshAhead(RefreshAhead rule) {
            Objects.requireNonNull(rule, "rule");
            return new View(tags, rule);
        }
    }

    /** The distinct keys of a bulk call, in the order of first appearance, with their store keys. */
    private record Batch(List<String> keys, List<String> storeKeys) {}

    /**
     * Checks every key of a bulk call before anything is sent: a null, empty or too long key fails
     * the whole call. A repeated key counts once.
     */
    private Batch batch(Collection<String> keys) {
        Objects.requireNonNull(keys, "keys");
        Map<String, String> distinct = new LinkedHashMap<>();
        int position = 0;
        for (String key : keys) {
            if (key == null) {
                throw new NullPointerException(
                        "keys hold a null key (at position " + position + "); nothing was read or written");
            }
            if (!distinct.containsKey(key)) {
                distinct.put(key, entryKey(key));
            }
            position++;
        }
        return new Batch(List.copyOf(distinct.keySet()), List.copyOf(distinct.values()));
    }

    private String entryKey(String key) {
        checkName(key, "key");
        String storeKey = layout.entry(key);
        if (tooLong(storeKey)) {
            // The message is built only here: a read that fits pays for no string.
            throw keyTooLong(storeKey, "key " + Printable.quote(key));
        }
        return storeKey;
    }

    /**
     * Refuses a name whose store key would not fit the store. Every kind of key {@link KeyLayout}
     * derives from a name (entry, tag, load lock, named lock, fencing counter) has the same length,
     * so checking one checks them all.
     */
    private void checkKeyLength(String storeKey, String what) {
        if (tooLong(storeKey)) {
            throw keyTooLong(storeKey, what);
        }
    }

    /**
     * Whether a store key is longer than the store takes. A UTF-8 char takes at most 3 bytes (a
     * surrogate pair 4 for its 2 chars), so a key of at most a third of the limit in chars fits
     * without being encoded.
     */
    private boolean tooLong(String storeKey) {
        int max = capabilities.maxKeyBytes();
        if (max == StoreCapabilities.UNLIMITED || (long) storeKey.length() * 3 <= max) {
            return false;
        }
        return utf8Length(storeKey) > max;
    }

    private IllegalArgumentException keyTooLong(String storeKey, String what) {
        return new IllegalArgumentException(what + " is too long for " + store.describe() + ": "
                + utf8Length(storeKey) + " bytes with its prefix, at most " + capabilities.maxKeyBytes()
                + " allowed");
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the cache on " + store.describe() + " is closed");
        }
    }

    static void checkName(String name, String what) {
        Objects.requireNonNull(name, what);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    static Duration checkTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.equals(FOREVER)) {
            return ttl;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException(
                    "ttl must be positive (or Cache.FOREVER), was " + ttl + "; to drop an entry use remove()");
        }
        if (ttl.compareTo(Duration.ofDays(365L * 1000)) > 0) {
            throw new IllegalArgumentException("ttl " + ttl + " is longer than 1000 years; use Cache.FOREVER");
        }
        if (ttl.toMillis() == 0) {
            throw new IllegalArgumentException("ttl " + ttl + " is shorter than a millisecond");
        }
        return ttl;
    }

    static Duration checkPositive(Duration duration, String what) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + duration);
        }
        return duration;
    }
}
