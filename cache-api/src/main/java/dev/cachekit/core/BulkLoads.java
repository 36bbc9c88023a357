package dev.cachekit.core;

import dev.cachekit.BulkLoader;
import dev.cachekit.CacheBulkLoadException;
import dev.cachekit.CacheException;
import dev.cachekit.CacheListener;
import dev.cachekit.CacheLoadException;
import dev.cachekit.CacheLoadTimeoutException;
import dev.cachekit.LoadTimeoutPolicy;
import dev.cachekit.Lookup;
import dev.cachekit.StoreErrorPolicy;
import dev.cachekit.StoreException;
import dev.cachekit.codec.CodecTypes;
import dev.cachekit.spi.Backoff;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load path of {@code getOrLoadAll}: one read of every key; keys another thread of this JVM is
 * loading are joined (through {@link LoadCoordinator}'s single-flight map, so single-key and bulk
 * loads of one key join each other); the load locks of the others are taken in one {@link
 * Locker#tryAcquireAll} call, in the order of their lock keys; the keys this call locked are read
 * again and the missing ones go to ONE call of the bulk loader; the keys whose lock another holder
 * has are waited for, never while this call holds a lock (it loads and releases what it holds
 * first), and are locked in a further round if they are still missing once their lock is free. A
 * call that waits holding nothing cannot be part of a cycle, so overlapping key sets never
 * deadlock; and every round loads every key it locked, so they never livelock either.
 */
final class BulkLoads {

    private static final Logger LOG = LoggerFactory.getLogger(BulkLoads.class);

    /**
     * The reads and writes {@code getOrLoadAll} needs of a view, by store key. The view implements
     * them over the bulk read and write of its entries.
     */
    interface Entries<T> {
        /**
         * Reads the entries.
         *
         * @param storeKeys distinct store keys
         * @return a lookup per store key given
         */
        Map<String, Lookup<T>> readAll(List<String> storeKeys);

        /**
         * Writes loaded values: a value with {@code ttl}, a null with the cache's null TTL.
         *
         * @param values the values by store key, in the caller's order
         * @param ttl the TTL of a value
         */
        void writeAll(Map<String, T> values, Duration ttl);
    }

    private final Locker locker;
    private final KeyLayout layout;
    private final LockRenewals renewals;
    private final DefaultCache.Settings settings;
    private final Events events;
    private final ConcurrentHashMap<String, LoadCoordinator.Flight> loading;

    BulkLoads(
            LoadCoordinator coordinator,
            Locker locker,
            KeyLayout layout,
            LockRenewals renewals,
            DefaultCache.Settings settings,
            Events events) {
        this.loading = coordinator.flights();
        this.locker = locker;
        this.layout = layout;
        this.renewals = renewals;
        this.settings = settings;
        this.events = events;
    }

    /** One distinct key of a call and what became of it. */
    private static final class Item {
        final int index; // the key's place among the caller's distinct keys
        final String key;
        final String storeKey;
        String lockKey;
        /** This call's flight of the key, while this call loads it. */
        LoadCoordinator.Flight flight;
        /** The flight of another thread of this JVM that this call joined. */
        CompletableFuture<Object> joined;

        long joinedAt;
        boolean waiting;
        long waitingSince;
        boolean resolved;
        Object value;
        /** What the key's load failed with (the loader's exception), or null. */
        Throwable failure;

        Item(int index, String key, String storeKey) {
            this.index = index;
            this.key = key;
            this.storeKey = storeKey;
        }
    }

    private static final Comparator<Item> CALLER_ORDER = Comparator.comparingInt(item -> item.index);

    /**
     * Returns the values of {@code keys}, loading the missing ones once cluster-wide.
     *
     * @param keys the caller's distinct keys, in the caller's order, each with its store key
     * @param ttl the TTL of loaded values
     */
    <T> Map<String, T> getOrLoadAll(
            Map<String, String> keys, Class<T> type, Duration ttl, Entries<T> entries, BulkLoader<? extends T> loader) {
        List<Item> items = new ArrayList<>(keys.size());
        for (Map.Entry<String, String> key : keys.entrySet()) {
            items.add(new Item(items.size(), key.getKey(), key.getValue()));
        }
        Call<T> call = new Call<>(type, ttl, entries, loader);
        boolean storeFailed = false;
        List<Item> pending;
        try {
            pending = call.read(items, true);
        } catch (StoreException e) {
            survive("get", items.get(0).key, e);
            storeFailed = true;
            pending = items;
        }
        call.deadline = System.nanoTime() + settings.loadTimeout().toNanos();
        List<Item> alone = new ArrayList<>();
        while (!pending.isEmpty()) {
            List<Item> mine = register(pending);
            if (!mine.isEmpty()) {
                call.loadMine(mine, storeFailed);
            }
            pending = call.awaitJoined(items, alone);
        }
        if (!alone.isEmpty()) {
            // Under LoadTimeoutPolicy.LOAD: the joined loads took too long; read and load without them.
            call.loadAlone(alone);
        }
        return call.result(items);
    }

    /**
     * Takes the flight of every key nobody in this JVM is loading; the others are joined.
     *
     * @return the items this call loads
     */
    private List<Item> register(List<Item> pending) {
        List<Item> mine = new ArrayList<>();
        Thread self = Thread.currentThread();
        for (Item item : pending) {
            LoadCoordinator.Flight flight = new LoadCoordinator.Flight(self, new CompletableFuture<>());
            LoadCoordinator.Flight leader = loading.putIfAbsent(item.storeKey, flight);
            if (leader == null) {
                item.flight = flight;
                mine.add(item);
                continue;
            }
            if (leader.loader() == self) {
                // This thread is loading the key (a loader asked for what it loads): it would wait for itself.
                RuntimeException recursive = new LoadCoordinator.RecursiveLoadException(item.key);
                for (Item taken : mine) {
                    settle(taken, recursive);
                }
                throw recursive;
            }
            item.joined = leader.result();
            item.joinedAt = System.nanoTime();
            events.tell(l -> l.joinedLoad(item.key));
        }
        return mine;
    }

    /** Ends an item's flight with a failure (if it still runs) and drops it from the map. */
    private void settle(Item item, Throwable failure) {
        LoadCoordinator.Flight flight = item.flight;
        if (flight == null) {
            return;
        }
        flight.result().completeExceptionally(failure);
        loading.remove(item.storeKey, flight);
        item.flight = null;
    }

    /** The state of one {@code getOrLoadAll} call. */
    private final class Call<T> {
        final Class<T> type;
        final Duration ttl;
        final Entries<T> entries;
        final BulkLoader<? extends T> loader;
        long deadline;

        Call(Class<T> type, Duration ttl, Entries<T> entries, BulkLoader<? extends T> loader) {
            this.type = type;
            this.ttl = ttl;
            this.entries = entries;
            this.loader = loader;
        }

        /**
         * One read of {@code items}; resolves the hits.
         *
         * @param report whether the listener hears each key's read
         * @return the items still missing
         */
        List<Item> read(List<Item> items, boolean report) {
            List<String> storeKeys = new ArrayList<>(items.size());
            for (Item item : items) {
                storeKeys.add(item.storeKey);
            }
            long started = System.nanoTime();
            Map<String, Lookup<T>> found = entries.readAll(storeKeys);
            Duration took = Events.since(started);
            List<Item> missing = new ArrayList<>();
            for (Item item : items) {
                Lookup<T> lookup = found.get(item.storeKey);
                if (lookup == null) {
                    lookup = Lookup.miss();
                }
                if (report) {
                    CacheListener.ReadResult result = Events.resultOf(lookup);
                    events.tell(l -> l.read(item.key, result, took));
                }
                if (lookup.isHit()) {
                    resolve(item, lookup.value());
                } else {
                    missing.add(item);
                }
            }
            return missing;
        }

        /** A read whose store error, under {@link StoreErrorPolicy#LOAD}, counts as a miss of every item. */
        List<Item> readOrSurvive(List<Item> items) {
            try {
                return read(items, false);
            } catch (StoreException e) {
                survive("get", items.get(0).key, e);
                return items;
            }
        }

        /** A key's value is known: this call's flight of it (if any) ends with it. */
        void resolve(Item item, Object value) {
            item.resolved = true;
            item.value = value;
            LoadCoordinator.Flight flight = item.flight;
            if (flight != null) {
                flight.result().complete(value);
                loading.remove(item.storeKey, flight);
                item.flight = null;
            }
        }

        /** A key's load failed: it is one of the failed keys, and its single-key joiners get a CacheLoadException. */
        void fail(Item item, Throwable cause) {
            item.failure = cause;
            settle(item, new CacheLoadException(item.key, cause));
        }

        /**
         * Loads the keys whose flight this call took: lock what it can, load that, release, wait for
         * the rest holding nothing, and again. Every flight of {@code mine} has ended on return.
         */
        void loadMine(List<Item> mine, boolean storeFailed) {
            Throwable thrown = null;
            try {
                loadRounds(mine, storeFailed);
            } catch (Throwable t) {
                thrown = t;
                throw t;
            } finally {
                for (Item item : mine) {
                    if (item.flight != null) {
                        settle(
                                item,
                                thrown != null ? thrown : new CacheException("loading key '" + item.key + "' ended"));
                    }
                }
            }
        }

        private void loadRounds(List<Item> mine, boolean storeFailed) {
            if (storeFailed) {
                // With the store failing, the locks are out of reach too: load at once, alone in this JVM.
                load(mine, null);
                return;
            }
            Backoff backoff = new Backoff();
            List<Item> toLoad = new ArrayList<>(mine);
            while (!toLoad.isEmpty()) {
                for (Item item : toLoad) {
                    if (item.lockKey == null) {
                        item.lockKey = layout.loadLock(item.key);
                    }
                }
                // One fixed order for every caller, as the contract says; waiting holding nothing is what
                // rules out a deadlock, the order keeps two callers' partial sets from interleaving at random.
                toLoad.sort(Comparator.comparing(item -> item.lockKey));
                List<String> lockKeys = new ArrayList<>(toLoad.size());
                for (Item item : toLoad) {
                    lockKeys.add(item.lockKey);
                }
                List<Optional<LockLease>> leases;
                try {
                    leases = locker.tryAcquireAll(lockKeys, settings.lockLease());
                } catch (StoreException e) {
                    endWaits(toLoad, false);
                    survive("lock", toLoad.get(0).key, e);
                    load(toLoad, null);
                    return;
                }
                if (leases == null || leases.size() != lockKeys.size()) {
                    throw new IllegalStateException(locker.getClass().getName() + ".tryAcquireAll answered "
                            + (leases == null ? "null" : leases.size() + " leases") + " for " + lockKeys.size()
                            + " lock keys; it must answer one element per key, in order");
                }
                Map<Item, LockLease> acquired = new IdentityHashMap<>();
                List<Item> locked = new ArrayList<>();
                List<Item> held = new ArrayList<>();
                for (int i = 0; i < toLoad.size(); i++) {
                    Item item = toLoad.get(i);
                    Optional<LockLease> lease = leases.get(i);
                    if (lease != null && lease.isPresent()) {
                        acquired.put(item, lease.get());
                        locked.add(item);
                    } else {
                        held.add(item);
                    }
                }
                if (!locked.isEmpty()) {
                    endWaits(locked, false);
                    loadUnderLocks(locked, acquired);
                }
                if (held.isEmpty()) {
                    return;
                }
                // Nothing is held from here on: wait for the other holders, then look again.
                toLoad = awaitHolders(held, backoff);
            }
        }

        /**
         * Waits (holding no lock) for a release of one of {@code held}'s locks, then reads them again.
         *
         * @return the items to lock in the next round
         */
        private List<Item> awaitHolders(List<Item> held, Backoff backoff) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                endWaits(held, false);
                onTimeout(held);
                return List.of();
            }
            long now = System.nanoTime();
            for (Item item : held) {
                if (!item.waiting) {
                    item.waiting = true;
                    item.waitingSince = now;
                    events.tell(l -> l.waitingForHolder(item.key));
                }
            }
            Duration wait = locker.signalsRelease() ? Backoff.SIGNAL_SAFETY_WAIT : backoff.next();
            List<Item> missing;
            try {
                locker.awaitRelease(held.get(0).lockKey, Duration.ofNanos(Math.min(left, wait.toNanos())));
                missing = read(held, true);
            } catch (InterruptedException e) {
                endWaits(held, false);
                Thread.currentThread().interrupt();
                throw new LoadCoordinator.LoadInterruptedException(held.get(0).key, e);
            } catch (StoreException e) {
                endWaits(held, false);
                survive("get", held.get(0).key, e);
                load(held, null);
                return List.of();
            }
            List<Item> found = new ArrayList<>(held);
            found.removeAll(missing);
            endWaits(found, true);
            return new ArrayList<>(missing);
        }

        /** Reports the end of the wait of each item that was waiting for a holder. */
        private void endWaits(List<Item> items, boolean gotValue) {
            for (Item item : items) {
                if (item.waiting) {
                    item.waiting = false;
                    waited(item.key, item.waitingSince, gotValue);
                }
            }
        }

        private void onTimeout(List<Item> items) {
            if (settings.loadTimeoutPolicy() == LoadTimeoutPolicy.FAIL) {
                throw new CacheLoadTimeoutException(items.get(0).key, settings.loadTimeout());
            }
            List<Item> missing = readOrSurvive(items);
            if (!missing.isEmpty()) {
                load(missing, null);
            }
        }

        /** Holds the locks while the keys are read again and the missing ones loaded; releases them all. */
        private void loadUnderLocks(List<Item> locked, Map<Item, LockLease> leases) {
            Map<Item, LoadLock> held = new IdentityHashMap<>();
            List<LeaseWatchdog> watchdogs = new ArrayList<>();
            try {
                for (Item item : locked) {
                    events.tell(l -> l.lockAcquired(item.key));
                }
                for (Item item : locked) {
                    LoadLock lock = new LoadLock(locker, leases.get(item));
                    held.put(item, lock);
                    // Known to the cache's close, which releases it if the cache closes mid-load.
                    renewals.hold(lock);
                }
                for (Item item : locked) {
                    watchdogs.add(renewals.watch(locker, leases.get(item), settings.lockLease(), null));
                }
                List<Item> missing = readOrSurvive(locked);
                if (!missing.isEmpty()) {
                    load(missing, held);
                }
            } finally {
                for (LeaseWatchdog watchdog : watchdogs) {
                    watchdog.stop();
                }
                // Every lock still held (the cache's close may have released some), in one call.
                List<LockLease> release = new ArrayList<>(locked.size());
                for (Item item : locked) {
                    LoadLock lock = held.get(item);
                    if (lock != null) {
                        renewals.forget(lock);
                    }
                    // A lock never handed to the renewals (the cache closed first) is given back too.
                    if (lock == null || lock.claim()) {
                        release.add(leases.get(item));
                    }
                }
                releaseAll(release);
            }
        }

        /**
         * ONE call of the loader with {@code items}' keys, in the caller's order; the values are
         * written in one write (keys the loader did not return only if the cache caches absent keys),
         * then each item's flight ends with its value.
         *
         * @param held the load locks the items load under, which the cache's close may have given up
         *     meanwhile (those values are returned, not written); null when loading without locks
         */
        void load(List<Item> items, Map<Item, LoadLock> held) {
            List<Item> ordered = new ArrayList<>(items);
            ordered.sort(CALLER_ORDER);
            Set<String> asked = new LinkedHashSet<>();
            for (Item item : ordered) {
                asked.add(item.key);
            }
            long started = System.nanoTime();
            Map<String, ? extends T> loaded;
            try {
                loaded = loader.loadAll(Collections.unmodifiableSet(asked));
                if (loaded == null) {
                    throw new IllegalStateException("the bulk loader returned null instead of a map");
                }
            } catch (Exception e) {
                for (Item item : ordered) {
                    events.tell(l -> l.loadFailed(item.key, e));
                }
                if (e instanceof LoadCoordinator.RecursiveLoadException recursive) {
                    throw recursive;
                }
                for (Item item : ordered) {
                    fail(item, e);
                }
                return;
            }
            Duration took = Events.since(started);
            Map<String, T> toWrite = new LinkedHashMap<>();
            List<Item> written = new ArrayList<>();
            for (Item item : ordered) {
                events.tell(l -> l.loaded(item.key, took));
                boolean present = loaded.containsKey(item.key);
                T value = present ? loaded.get(item.key) : null;
                item.value = value;
                LoadLock lock = held == null ? null : held.get(item);
                if (lock != null && lock.released()) {
                    LOG.debug(
                            "the cache closed while key {} was loading; the loaded value is returned, not written",
                            item.key);
                } else if (present || settings.cacheAbsent()) {
                    toWrite.put(item.storeKey, value);
                    written.add(item);
                }
            }
            if (!toWrite.isEmpty()) {
                try {
                    entries.writeAll(toWrite, ttl);
                    for (Item item : written) {
                        events.tell(l -> l.stored(item.key));
                    }
                } catch (StoreException e) {
                    // Under LOAD the values are returned all the same; only the cache missed out.
                    survive("store-loaded", written.get(0).key, e);
                }
            }
            for (Item item : ordered) {
                resolve(item, item.value);
            }
        }

        /** Under {@link LoadTimeoutPolicy#LOAD}: keys whose joined load timed out, read and loaded here. */
        void loadAlone(List<Item> alone) {
            List<Item> missing = readOrSurvive(alone);
            if (!missing.isEmpty()) {
                load(missing, null);
            }
        }

        /**
         * Waits for the loads this call joined.
         *
         * @param alone where the keys whose wait timed out under {@link LoadTimeoutPolicy#LOAD} go
         * @return the keys to take again, whose loading thread was interrupted
         */
        List<Item> awaitJoined(List<Item> items, List<Item> alone) {
            List<Item> again = new ArrayList<>();
            for (Item item : items) {
                CompletableFuture<Object> joined = item.joined;
                if (joined == null || item.resolved || item.failure != null) {
                    continue;
                }
                item.joined = null;
                try {
                    Object value = joined.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    waited(item.key, item.joinedAt, true);
                    resolve(item, CodecTypes.cast(value, type));
                } catch (TimeoutException e) {
                    waited(item.key, item.joinedAt, false);
                    if (settings.loadTimeoutPolicy() == LoadTimeoutPolicy.FAIL) {
                        throw new CacheLoadTimeoutException(item.key, settings.loadTimeout());
                    }
                    alone.add(item);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CacheException("interrupted while waiting for key '" + item.key + "' to be loaded", e);
                } catch (ExecutionException e) {
                    waited(item.key, item.joinedAt, false);
                    Throwable cause = e.getCause();
                    if (cause instanceof LoadCoordinator.LoadInterruptedException) {
                        // Only the loading thread was interrupted, not this one: go on without it.
                        again.add(item);
                    } else if (cause instanceof CacheLoadException loadFailure) {
                        item.failure = loadFailure.getCause() != null ? loadFailure.getCause() : loadFailure;
                    } else if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    } else if (cause instanceof Error error) {
                        throw error;
                    } else {
                        throw new CacheException("loading key '" + item.key + "' failed", cause);
                    }
                }
            }
            return again;
        }

        /** The values in the caller's order, or the failure naming the failed keys with the others' values. */
        Map<String, T> result(List<Item> items) {
            Map<String, T> values = new LinkedHashMap<>();
            Set<String> failed = new LinkedHashSet<>();
            Throwable cause = null;
            Set<Throwable> causes = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Item item : items) {
                if (item.failure != null) {
                    failed.add(item.key);
                    if (cause == null) {
                        cause = item.failure;
                    } else if (item.failure != cause && causes.add(item.failure)) {
                        cause.addSuppressed(item.failure);
                    }
                } else {
                    values.put(item.key, CodecTypes.cast(item.value, type));
                }
            }
            if (!failed.isEmpty()) {
                throw new CacheBulkLoadException(failed, values, cause);
            }
            return Collections.unmodifiableMap(values);
        }
    }

    /** Releases the locks (owner-checked) in one call; never throws. */
    private void releaseAll(List<LockLease> leases) {
        if (leases.isEmpty()) {
            return;
        }
        try {
            locker.releaseAll(leases);
        } catch (RuntimeException e) {
            // The values are written (or the cache closed); the locks free themselves when their leases end.
            LOG.warn("releasing {} load locks failed; they expire with their leases", leases.size(), e);
        }
    }

    private void waited(String key, long sinceNanos, boolean gotValue) {
        Duration took = Events.since(sinceNanos);
        events.tell(l -> l.waited(key, took, gotValue));
    }

    /**
     * A store error on the load path: thrown on under {@link StoreErrorPolicy#FAIL}; reported and
     * logged under {@link StoreErrorPolicy#LOAD}, where the caller goes on to load.
     */
    private void survive(String operation, String key, StoreException error) {
        if (settings.storeErrorPolicy() == StoreErrorPolicy.FAIL) {
            events.storeErrorThrown(operation, key, error);
            throw error;
        }
        events.storeErrorSurvived(operation, key, error);
    }
}
