package dev.cachekit.spi;

import java.util.Collection;

/**
 * Tells every process that uses a cache prefix that some of its store keys changed, so that their
 * near caches (the in-process tier that {@code near=on} puts in front of the store) drop their
 * copies: Redis pub/sub, for example. A backend supplies one with {@link
 * Backend.Builder#invalidations}; the cache keeps every rule of the near tier itself (clear when
 * delivery was interrupted, no fill after a newer invalidation, tag validity), so a channel only
 * sends and delivers.
 *
 * <p>Delivery is scoped by prefix: a listener of prefix {@code p} hears the keys published under
 * {@code p} (store keys made by {@link KeyLayout#of(String) KeyLayout.of(p)}), from every process,
 * its own included, and no other prefix's. A channel that may have lost a message (its connection
 * dropped, it is reconnecting) must say so with {@link Listener#lost()} before it delivers again,
 * and {@link Listener#listening()} once delivery is confirmed again: a near cache fills only while
 * its channel is listening. Implementations are thread-safe.
 */
public interface InvalidationChannel extends AutoCloseable {

    /**
     * Tells every listener of the keys' prefix, in every process, that these store keys changed.
     * Called after the change reached the store. A failure to send is not thrown (the change is
     * made already); the channel logs it, and the listeners' copies then live until their near TTL.
     *
     * @param storeKeys store keys of entries and tags, all made by one {@link KeyLayout}
     */
    void publish(Collection<String> storeKeys);

    /**
     * Starts delivering the invalidations of {@code prefix} to {@code listener}, until the returned
     * subscription is closed. {@link Listener#listening()} is called once the subscription is
     * confirmed (perhaps before this method returns), on any thread.
     *
     * @param prefix the cache's prefix, as given to {@link KeyLayout#of(String)}
     * @param listener what to tell
     * @return the subscription
     */
    LockSignal.Subscription listen(String prefix, Listener listener);

    /** Releases the channel's resources. Idempotent. */
    @Override
    void close();

    /**
     * What a channel tells a near cache. Calls are quick (they must not block the channel's
     * thread) and never throw; {@code lost} and {@code listening} are never called at once.
     */
    interface Listener {
        /**
         * These store keys changed somewhere.
         *
         * @param storeKeys the keys
         */
        void invalidated(Collection<String> storeKeys);

        /** Invalidations may have been lost (the connection dropped): drop every copy, fill nothing. */
        void lost();

        /** The subscription is confirmed: every invalidation from now on is delivered. */
        void listening();
    }
}
