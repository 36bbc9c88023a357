package dev.cachekit;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/**
 * One cache API over many stores: get, put and remove entries, group them under tags that flush
 * in one cheap call, load cold keys once cluster-wide, and take distributed locks.
 *
 * <pre>{@code
 * try (Cache cache = Caches.open("redis://127.0.0.1:6379?prefix=shop:")) {
 *     TaggedCache users = cache.tags("users", "user:42");
 *     User u = users.getOrLoad("user:42", User.class, () -> db.findUser(42));
 *     users.flush();
 * }
 * }</pre>
 *
 * <p><b>Defaults</b> (each can be changed with {@link dev.cachekit.core.Caches#builder()} or a URI option): key prefix
 * {@code cachekit:} ({@code prefix}); TTL 2 hours ({@code ttl}); TTL of a cached null 1 minute
 * ({@code nullTtl}); no sliding expiry ({@code touchWindow}, default {@code 0s}: set it to let
 * reads extend hot entries, see {@link dev.cachekit.core.CacheBuilder#touchWindow}); load lock lease 30 seconds ({@code lockLease},
 * renewed every third of it while the loader runs); load timeout 30 seconds ({@code loadTimeout})
 * with {@link LoadTimeoutPolicy#FAIL} ({@code onLoadTimeout=fail|load}); store errors in
 * {@code getOrLoad} thrown, {@link StoreErrorPolicy#FAIL} ({@code onStoreError=fail|load}); codec {@link
 * dev.cachekit.codec.KryoCodec} with its default allow-list.
 *
 * <p><b>Keys in the store</b> are laid out by {@link dev.cachekit.spi.KeyLayout}: entries, tag
 * versions, load locks, named locks and the named locks' fencing counters each have a namespace of
 * their own under the prefix. Load locks carry no fencing counter, so a load leaves no key behind
 * once its lock is released; only {@link #lock(String)} keeps a counter, one per lock name, without
 * TTL. A user key can never collide with a tag, a lock or a counter.
 *
 * <p>Thread-safe. Closing the cache closes its backend; a store built around a client the caller
 * supplied leaves that client open.
 */
public interface Cache extends CacheView, AutoCloseable {

    /** The TTL that means "never expires". */
    Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    /**
     * A view whose entries carry these tags (in any order; a name given twice counts once).
     *
     * <p>A view takes at most 65,535 distinct tags, and so an entry carries at most that many: the
     * entry records each tag's name and version (in two bytes of count), and every read through the
     * view fetches all of their versions, so far fewer are sensible. Each name takes at most 65,535
     * bytes in UTF-8 (once {@code %}, {@code |} and lone surrogates are escaped), and its store key
     * must fit the store's key limit.
     *
     * @param tags one or more non-empty tag names
     * @return the tagged view
     * @throws IllegalArgumentException if no tag is given, one is empty or too long, or more than
     *     65,535 distinct tags are given
     */
    TaggedCache tags(String... tags);

    /**
     * A view whose entries carry these tags (in any order; a name given twice counts once).
     *
     * <p>A view takes at most 65,535 distinct tags, and so an entry carries at most that many: the
     * entry records each tag's name and version (in two bytes of count), and every read through the
     * view fetches all of their versions, so far fewer are sensible. Each name takes at most 65,535
     * bytes in UTF-8 (once {@code %}, {@code |} and lone surrogates are escaped), and its store key
     * must fit the store's key limit.
     *
     * @param tags one or more non-empty tag names
     * @return the tagged view
     * @throws IllegalArgumentException if no tag is given, one is empty or too long, or more than
     *     65,535 distinct tags are given
     */
    TaggedCache tags(Collection<String> tags);

    /**
     * A named distributed lock with the default lease ({@link CacheLock#DEFAULT_LEASE}) and no
     * watchdog.
     *
     * @param name a non-empty name
     * @return the lock, not yet acquired
     */
    CacheLock lock(String name);

    /**
     * Describes the backend for logs: {@code redis 127.0.0.1:6379}.
     *
     * @return the store's description
     */
    String describe();

    /**
     * Stops background work and closes the backend: stops every lock watchdog, releases every lock
     * still held through {@link #lock(String)} and the load lock of every {@code getOrLoad} whose
     * loader is still running (owner-checked, so another process loads the key at once rather than
     * after the lease), lets touches already queued run, and waits up to 5
     * seconds each for the renewal thread and the touch thread to end (never for an executor the
     * caller supplied), then closes the backend whether or not they did. Idempotent; calls made
     * after closing throw {@link IllegalStateException}.
     *
     * <p>A load in flight is not interrupted: its loader runs to the end and its caller gets the
     * loaded value (or the loader's failure), but the value is not written, since the lock that
     * made this cache the one loader of the key was given up.
     */
    @Override
    void close();
}
