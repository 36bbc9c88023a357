package dev.cachekit;

import dev.cachekit.codec.Codec;
import dev.cachekit.codec.CodecTypes;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Backoff;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import dev.cachekit.spi.Tagger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one implementation of {@link Cache}, over any {@link Backend}. */
final class DefaultCache implements Cache {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultCache.class);
    private static final int MAX_TAG_NAME_BYTES = 0xFFFF;
    /** The envelope counts tags in two bytes; far fewer are sensible, but this is the hard limit. */
    static final int MAX_TAGS = 0xFFFF;

    private static final int MAX_TAG_VERSION_BYTES = 0xFF;

    /** Resolved settings; see {@link CacheBuilder} for their meaning and defaults. */
    record Settings(
            String prefix,
            Duration defaultTtl,
            Duration nullTtl,
            Duration touchWindow,
            Duration lockLease,
            Duration loadTimeout,
            LoadTimeoutPolicy loadTimeoutPolicy,
            Clock clock,
            Executor touchExecutor,
            CacheListener listener) {}

    private final Backend backend;
    private final Store store;
    private final Tagger tagger;
    private final Locker locker;
    private final Codec codec;
    private final Settings settings;
    private final KeyLayout layout;
    private final StoreCapabilities capabilities;
    private final ScheduledExecutorService scheduler;
    private final LockRenewals renewals;
    private final Executor touchExecutor;
    private final ConcurrentHashMap<String, CompletableFuture<Object>> loading = new ConcurrentHashMap<>();
    private final Set<String> touching = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final View untagged;
    private final CacheListener listener;

    DefaultCache(Backend backend, Settings settings, Codec codec) {
        this.backend = backend;
        this.store = backend.store();
        this.tagger = backend.tagger();
        this.locker = backend.locker();
        this.codec = codec;
        this.settings = settings;
        this.layout = KeyLayout.of(settings.prefix());
        this.capabilities = store.capabilities();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "cachekit-" + store.describe());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
        this.renewals = new LockRenewals(store.describe());
        this.touchExecutor = settings.touchExecutor() != null ? settings.touchExecutor() : scheduler;
        this.untagged = new View(List.of());
        this.listener = settings.listener();
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
        TreeSet<String> sorted = new TreeSet<>();
        for (String tag : tags) {
            Objects.requireNonNull(tag, "tag");
            if (tag.isEmpty()) {
                throw new IllegalArgumentException("a tag must not be empty");
            }
            if (tag.getBytes(StandardCharsets.UTF_8).length > MAX_TAG_NAME_BYTES) {
                throw new IllegalArgumentException(
                        "tag '" + abbreviate(tag) + "' is longer than " + MAX_TAG_NAME_BYTES + " UTF-8 bytes");
            }
            checkKeyLength(tagKey(tag), "tag '" + abbreviate(tag) + "'");
            sorted.add(tag);
        }
        if (sorted.size() > MAX_TAGS) {
            throw new IllegalArgumentException("a view takes at most " + MAX_TAGS + " tags, was given " + sorted.size()
                    + "; an entry records every tag's version, and a read fetches them all");
        }
        return new View(List.copyOf(sorted));
    }

    @Override
    public CacheLock lock(String name) {
        checkName(name, "lock name");
        String key = layout.lock(name);
        checkKeyLength(key, "lock name '" + abbreviate(name) + "'");
        return new DefaultCacheLock(name, key, layout.fence(name), locker, renewals);
    }

    /** Holds the lock at a raw store key (a load lock, say) as another node would; for tests. */
    HeldLock lockAt(String storeKey, Duration lease) {
        return new DefaultCacheLock(storeKey, storeKey, null, locker, renewals)
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
            renewals.close();
            scheduler.shutdownNow();
            backend.close();
        }
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

    // ---- the work ------------------------------------------------------------------------------

    /** A view over one sorted tag set (empty for untagged entries). */
    private final class View implements TaggedCache {
        private final List<String> tags;
        private final List<String> tagKeys;

        View(List<String> tags) {
            this.tags = tags;
            List<String> keys = new ArrayList<>(tags.size());
            for (String tag : tags) {
                keys.add(tagKey(tag));
            }
            this.tagKeys = List.copyOf(keys);
        }

        @Override
        public SortedSet<String> tags() {
            return Collections.unmodifiableSortedSet(new TreeSet<>(tags));
        }

        @Override
        public void flush() {
            checkOpen();
            tagger.flush(tagKeys);
        }

        @Override
        public <T> Lookup<T> get(String key, Class<T> type) {
            Objects.requireNonNull(type, "type");
            return read(entryKey(key), key, type);
        }

        @Override
        public void put(String key, Object value) {
            write(entryKey(key), value, value == null ? settings.nullTtl() : settings.defaultTtl());
        }

        @Override
        public void put(String key, Object value, Duration ttl) {
            write(entryKey(key), value, checkTtl(ttl));
        }

        @Override
        public void remove(String key) {
            String storeKey = entryKey(key);
            checkOpen();
            store.delete(storeKey);
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
            Lookup<T> first = read(storeKey, key, type);
            if (first.isHit()) {
                tell(l -> l.read(key, CacheListener.ReadResult.HIT, Duration.ZERO));
                return first.value();
            }
            tell(l -> l.read(key, CacheListener.ReadResult.MISS, Duration.ZERO));
            long deadline = System.nanoTime() + settings.loadTimeout().toNanos();
            CompletableFuture<Object> mine = new CompletableFuture<>();
            CompletableFuture<Object> leader = loading.putIfAbsent(storeKey, mine);
            if (leader != null) {
                tell(l -> l.joinedLoad(key));
                return follow(leader, key, storeKey, type, ttl, loader, deadline);
            }
            try {
                T value = lead(key, storeKey, type, ttl, loader, deadline);
                mine.complete(value);
                return value;
            } catch (Throwable t) {
                mine.completeExceptionally(t);
                throw t;
            } finally {
                loading.remove(storeKey, mine);
            }
        }

        /** Waits for this JVM's loading thread of the same key. */
        private <T> T follow(
                CompletableFuture<Object> leader,
                String key,
                String storeKey,
                Class<T> type,
                Duration ttl,
                Loader<? extends T> loader,
                long deadline) {
            try {
                return CodecTypes.cast(
                        leader.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), type);
            } catch (TimeoutException e) {
                return onTimeout(key, storeKey, type, ttl, loader);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CacheException("interrupted while waiting for key '" + key + "' to be loaded", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof LoadInterruptedException) {
                    // Only the loading thread was interrupted, not this one: go on without it.
                    return getOrLoad(key, type, ttl, loader);
                }
                if (cause instanceof CacheLoadException loadFailure) {
                    throw new CacheLoadException(key, loadFailure.getCause());
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new CacheException("loading key '" + key + "' failed", cause);
            }
        }

        /** The distributed part: lock, re-check, load, put, release; or wait for the holder. */
        private <T> T lead(
                String key, String storeKey, Class<T> type, Duration ttl, Loader<? extends T> loader, long deadline) {
            String lockKey = layout.loadLock(key);
            Backoff backoff = new Backoff();
            boolean waiting = false;
            while (true) {
                Optional<LockLease> lease = locker.tryAcquire(lockKey, settings.lockLease());
                if (lease.isPresent()) {
                    tell(l -> l.lockAcquired(key));
                    LeaseWatchdog watchdog = null;
                    try {
                        // Inside the try: if the cache is closing and the watchdog cannot start,
                        // the lock is still released rather than left to its lease.
                        watchdog = renewals.watch(locker, lease.get(), settings.lockLease(), null);
                        Lookup<T> again = read(storeKey, key, type);
                        if (again.isHit()) {
                            return again.value();
                        }
                        return loadAndPut(key, storeKey, ttl, loader);
                    } finally {
                        if (watchdog != null) {
                            watchdog.stop();
                        }
                        releaseQuietly(lease.get());
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return onTimeout(key, storeKey, type, ttl, loader);
                }
                if (!waiting) {
                    waiting = true;
                    tell(l -> l.waitingForHolder(key));
                }
                Duration wait = locker.signalsRelease() ? Backoff.SIGNAL_SAFETY_WAIT : backoff.next();
                try {
                    locker.awaitRelease(lockKey, Duration.ofNanos(Math.min(left, wait.toNanos())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LoadInterruptedException(key, e);
                }
                Lookup<T> again = read(storeKey, key, type);
                if (again.isHit()) {
                    tell(l -> l.read(key, CacheListener.ReadResult.HIT, Duration.ZERO));
                    return again.value();
                }
            }
        }

        private <T> T onTimeout(String key, String storeKey, Class<T> type, Duration ttl, Loader<? extends T> loader) {
            if (settings.loadTimeoutPolicy() == LoadTimeoutPolicy.FAIL) {
                throw new CacheLoadTimeoutException(key, settings.loadTimeout());
            }
            Lookup<T> last = read(storeKey, key, type);
            return last.isHit() ? last.value() : loadAndPut(key, storeKey, ttl, loader);
        }

        private <T> T loadAndPut(String key, String storeKey, Duration ttl, Loader<? extends T> loader) {
            T value;
            long started = System.nanoTime();
            try {
                value = loader.load();
            } catch (Exception e) {
                tell(l -> l.loadFailed(key, e));
                throw new CacheLoadException(key, e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            tell(l -> l.loaded(key, took));
            write(storeKey, value, value == null ? settings.nullTtl() : ttl);
            tell(l -> l.stored(key));
            return value;
        }

        private <T> Lookup<T> read(String storeKey, String key, Class<T> type) {
            checkOpen();
            List<byte[]> values;
            if (tagKeys.isEmpty()) {
                values = Collections.singletonList(store.get(storeKey));
            } else {
                List<String> keys = new ArrayList<>(1 + tagKeys.size());
                keys.add(storeKey);
                keys.addAll(tagKeys);
                values = store.getAll(keys);
            }
            byte[] raw = values.get(0);
            if (raw == null) {
                return Lookup.miss();
            }
            Envelope envelope = Envelope.decode(storeKey, raw);
            if (envelope.codecId() != codec.id()) {
                throw new CorruptEntryException(
                        storeKey,
                        "written with codec id " + envelope.codecId()
                                + ", but this cache uses codec " + codec.name() + " (id " + codec.id()
                                + "); every cache on one prefix must use the same codec");
            }
            if (!envelope.matchesTags(tags, values.subList(1, values.size()))) {
                return Lookup.miss();
            }
            long now = settings.clock().millis();
            if (envelope.expiresAtMillis() != 0 && now >= envelope.expiresAtMillis()) {
                return Lookup.miss();
            }
            maybeTouch(storeKey, raw, envelope, now);
            if (envelope.isNull()) {
                return Lookup.cachedNull();
            }
            try {
                return Lookup.hit(codec.decode(envelope.payload(), type));
            } catch (CodecException e) {
                throw new CodecException("entry " + Printable.quote(storeKey) + ": " + e.getMessage(), e);
            }
        }

        private void write(String storeKey, Object value, Duration ttl) {
            checkOpen();
            long ttlMillis = ttl.equals(FOREVER) ? Store.NO_EXPIRY : ttl.toMillis();
            byte[] payload = value == null ? new byte[0] : encode(storeKey, value);
            List<byte[]> versions = tagKeys.isEmpty() ? List.of() : tagger.versions(tagKeys);
            checkVersions(storeKey, versions);
            long now = settings.clock().millis();
            long expires = ttlMillis == Store.NO_EXPIRY ? 0 : now + ttlMillis;
            byte[] bytes = new Envelope(value == null, codec.id(), now, expires, tags, versions, payload).encode();
            if (bytes.length > capabilities.maxValueBytes()) {
                throw new IllegalArgumentException("the value for key '" + abbreviate(storeKey) + "' is "
                        + bytes.length + " bytes encoded, but " + store.describe() + " accepts at most "
                        + capabilities.maxValueBytes() + "; nothing was written");
            }
            store.set(storeKey, bytes, ttlMillis);
        }

        /** An envelope keeps a tag version's length in one byte; a longer one would corrupt the entry. */
        private void checkVersions(String storeKey, List<byte[]> versions) {
            if (versions.size() != tags.size()) {
                throw new CacheException("the tagger gave " + versions.size() + " versions for the " + tags.size()
                        + " tags of entry '" + abbreviate(storeKey) + "'; nothing was written");
            }
            for (int i = 0; i < versions.size(); i++) {
                byte[] version = versions.get(i);
                if (version == null || version.length > MAX_TAG_VERSION_BYTES) {
                    throw new CacheException("the tagger gave tag '" + abbreviate(tags.get(i)) + "' a version of "
                            + (version == null ? "null" : version.length + " bytes") + ", but an entry holds at most "
                            + MAX_TAG_VERSION_BYTES + " bytes; nothing was written for '" + abbreviate(storeKey) + "'");
                }
            }
        }

        private byte[] encode(String storeKey, Object value) {
            try {
                return codec.encode(value);
            } catch (CodecException e) {
                throw new CodecException("entry " + Printable.quote(storeKey) + ": " + e.getMessage(), e);
            }
        }
    }

    /** The thread loading a key was interrupted: its own failure, which callers that joined it skip. */
    private static final class LoadInterruptedException extends CacheException {
        private static final long serialVersionUID = 1L;

        LoadInterruptedException(String key, InterruptedException cause) {
            super("interrupted while waiting for key '" + key + "' to be loaded", cause);
        }
    }

    private void maybeTouch(String storeKey, byte[] raw, Envelope envelope, long now) {
        long window = settings.touchWindow().toMillis();
        if (window == 0 || envelope.expiresAtMillis() == 0 || envelope.isNull()) {
            return;
        }
        long ttl = envelope.expiresAtMillis() - envelope.writtenAtMillis();
        long left = envelope.expiresAtMillis() - now;
        if (ttl <= window || left > window || !touching.add(storeKey)) {
            return;
        }
        Runnable touch = () -> {
            try {
                byte[] extended = envelope.withExpiry(now, now + ttl).encode();
                // Only if nobody rewrote the entry meanwhile: a touch must never undo a put.
                store.compareAndSet(storeKey, raw, extended, ttl);
            } catch (RuntimeException e) {
                LOG.debug("touching {} failed; the entry keeps its old expiry", storeKey, e);
            } finally {
                touching.remove(storeKey);
            }
        };
        try {
            touchExecutor.execute(touch);
        } catch (RejectedExecutionException e) {
            touching.remove(storeKey);
        }
    }

    private void tell(Consumer<CacheListener> event) {
        if (listener == CacheListener.NONE) {
            return;
        }
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("cache listener {} threw; ignored", listener, e);
        }
    }

    private void releaseQuietly(LockLease lease) {
        try {
            locker.release(lease);
        } catch (RuntimeException e) {
            // The value is written; the lock frees itself when its lease ends.
            LOG.warn("releasing load lock {} failed; it expires with its lease", lease.key(), e);
        }
    }

    private String entryKey(String key) {
        checkName(key, "key");
        String storeKey = layout.entry(key);
        checkKeyLength(storeKey, "key '" + abbreviate(key) + "'");
        return storeKey;
    }

    private String tagKey(String tag) {
        return layout.tag(tag);
    }

    private void checkKeyLength(String storeKey, String what) {
        int max = capabilities.maxKeyBytes();
        if (max != StoreCapabilities.UNLIMITED) {
            // Lock keys get a fencing suffix; leave room for the longest derived key.
            int length = storeKey.getBytes(StandardCharsets.UTF_8).length + 16;
            if (length > max) {
                throw new IllegalArgumentException(what + " is too long for " + store.describe() + ": " + (length - 16)
                        + " bytes with its prefix, at most " + (max - 16) + " allowed");
            }
        }
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

    private static String abbreviate(String text) {
        return Printable.escape(text);
    }
}
