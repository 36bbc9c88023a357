package dev.cachekit.redis;

import dev.cachekit.StoreException;
import dev.cachekit.spi.Backoff;
import dev.cachekit.spi.InvalidationChannel;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockWaiters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Lock-release signals over Redis pub/sub, scoped to the cache's prefix: the release of a lock key
 * {@code <prefix><kind>|<name>} is published on the channel {@value #CHANNEL}{@code :<prefix>} (a
 * key laid out otherwise gets a channel of its own), by the release script itself, after the
 * delete. Each backend keeps one subscriber connection (on a thread of its own) and subscribes to a
 * prefix's channel when the first waiter for a key under that prefix arrives, so the server sends it
 * only the releases of the prefixes it waits on, never every application's. In a cluster, {@code
 * PUBLISH} reaches every node, so the subscriber may sit on any of them.
 *
 * <p>The subscriber starts on {@value #CHANNEL} alone (confirmed by the server before {@link
 * #start} returns); a prefix's subscription is confirmed before the waiter that asked for it looks
 * at the lock, so no release after that look is missed. When the connection drops (a server
 * restart), the subscriber connects again with backoff and subscribes to every channel again;
 * releases published while it was away are lost, which waiters tolerate because they look again
 * after {@link Backoff#SIGNAL_SAFETY_WAIT}.
 *
 * <p>The same subscriber carries the near caches' invalidations ({@link InvalidationChannel}), on
 * the channel {@value #NEAR_CHANNEL}{@code :<escaped prefix>}, subscribed when the first near cache
 * of that prefix listens: one connection for both, and one reconnect rule. A message is the
 * publisher's random id and {@code ';'}, then the changed store keys, each written as its length in UTF-16 units, {@code ':'}, and the key (keys
 * may hold any character, line breaks included), at most {@value #KEYS_PER_MESSAGE} per message.
 * When the connection drops, every near listener hears {@code lost} before the subscriber
 * reconnects, and {@code listening} again once the server confirms its channel, so a near cache
 * never keeps a copy across a gap in which an invalidation may have been missed.
 */
final class RedisLockSignal extends LockWaiters implements InvalidationChannel {

    /** The channel the subscriber always holds, and the stem of every prefix's channel. */
    static final String CHANNEL = "cachekit:lock-released";

    /** The stem of every prefix's invalidation channel. */
    static final String NEAR_CHANNEL = "cachekit:invalidated";

    private static final int KEYS_PER_MESSAGE = 500;

    private static final Logger LOG = LoggerFactory.getLogger(RedisLockSignal.class);
    private static final Duration CONFIRM_CHANNEL_WITHIN = Duration.ofSeconds(5);

    private final UnifiedJedis client;
    private final String description;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    /** Every channel asked for, with the latch its confirmation opens (replaced on reconnect). */
    private final Map<String, CountDownLatch> channels = new ConcurrentHashMap<>();

    private final Object sending = new Object();
    /** Orders a listener's registration against the subscriber's {@code lost} and {@code listening}. */
    private final Object near = new Object();
    /**
     * Starts every message this instance publishes, so its own subscriber skips them: the writer
     * dropped its copy already, and hearing its own write again would only drop the copy a read
     * made since.
     */
    private final String origin = Long.toHexString(new java.security.SecureRandom().nextLong()) + ";";

    private final Map<String, List<InvalidationChannel.Listener>> nearListeners = new ConcurrentHashMap<>();
    /** The invalidation channels the server confirmed on the current connection; guarded by {@link #near}. */
    private final Set<String> nearConfirmed = ConcurrentHashMap.newKeySet();

    private final Thread subscriber;
    private volatile boolean closed;
    private volatile Listener listener;
    private volatile RuntimeException lastFailure;

    private RedisLockSignal(UnifiedJedis client, String description) {
        this.client = client;
        this.description = description;
        this.subscriber = new Thread(this::subscribeUntilClosed, "cachekit-" + description + "-lock-signal");
        this.subscriber.setDaemon(true);
    }

    /**
     * The channel that carries the releases of {@code key}: one per cache prefix for keys laid out
     * by {@link dev.cachekit.spi.KeyLayout} (the prefix ends before the kind letter that precedes
     * the first {@code |}), one per key otherwise.
     *
     * @param key a lock's store key
     * @return the channel
     */
    static String channelOf(String key) {
        int bar = key.indexOf('|');
        String scope = bar >= 1 ? key.substring(0, bar - 1) : key;
        return CHANNEL + ":" + scope;
    }

    /**
     * Starts the subscriber and waits until the server confirms the subscription.
     *
     * @param client the client whose connection the subscriber holds while it listens
     * @param description names the server(s) for messages
     * @param confirmWithin how long to wait for the confirmation
     * @return the running signal
     * @throws StoreException if the subscription is not confirmed in time
     */
    static RedisLockSignal start(UnifiedJedis client, String description, Duration confirmWithin) {
        RedisLockSignal signal = new RedisLockSignal(client, description);
        signal.subscriber.start();
        boolean confirmed;
        try {
            confirmed = signal.firstSubscription.await(confirmWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            confirmed = false;
        }
        if (!confirmed) {
            signal.close();
            RuntimeException cause = signal.lastFailure;
            throw new StoreException(
                    description + " did not confirm the subscription to channel " + CHANNEL + " within "
                            + confirmWithin.toMillis() + " ms"
                            + (cause != null ? ": " + cause.getMessage() : "") + "; is the server running?",
                    cause);
        }
        return signal;
    }

    /** Publishes a release the store did not publish itself (the release script does, normally). */
    @Override
    public void publish(String key) {
        try {
            client.publish(channelOf(key), key);
        } catch (JedisException e) {
            // The lock is already released; waiters that miss this signal look again on their own.
            LOG.debug("publishing the release of {} on {} failed", key, description, e);
        }
    }

    /**
     * The channel of a prefix's invalidations.
     *
     * @param prefix the cache's prefix, unescaped
     * @return the channel
     */
    static String nearChannelOf(String prefix) {
        return NEAR_CHANNEL + ":" + KeyLayout.escape(prefix);
    }

    @Override
    public void publish(Collection<String> storeKeys) {
        Map<String, List<String>> byChannel = new LinkedHashMap<>();
        for (String key : storeKeys) {
            int bar = key.indexOf('|');
            String scope = bar >= 1 ? key.substring(0, bar - 1) : key;
            byChannel
                    .computeIfAbsent(NEAR_CHANNEL + ":" + scope, c -> new ArrayList<>())
                    .add(key);
        }
        byChannel.forEach((channel, keys) -> {
            for (int from = 0; from < keys.size(); from += KEYS_PER_MESSAGE) {
                List<String> part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_MESSAGE));
                try {
                    client.publish(channel, origin + encode(part));
                } catch (JedisException e) {
                    // The write is made; other processes' copies then live until their near TTL.
                    LOG.warn(
                            "publishing the invalidation of {} key(s) on {} failed; other processes may serve their"
                                    + " near copies until nearTtl",
                            part.size(),
                            description,
                            e);
                }
            }
        });
    }

    @Override
    public Subscription listen(String prefix, InvalidationChannel.Listener listener) {
        String channel = nearChannelOf(prefix);
        List<InvalidationChannel.Listener> listeners =
                nearListeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
        synchronized (near) {
            listeners.add(listener);
            if (nearConfirmed.contains(channel)) {
                listener.listening();
            }
        }
        if (channels.putIfAbsent(channel, new CountDownLatch(1)) == null) {
            send(channel);
        }
        return () -> listeners.remove(listener);
    }

    static String encode(List<String> keys) {
        StringBuilder out = new StringBuilder();
        for (String key : keys) {
            out.append(key.length()).append(':').append(key);
        }
        return out.toString();
    }

    /** The keys of a message, or {@code null} if it is not one this class wrote. */
    static List<String> decode(String message) {
        List<String> keys = new ArrayList<>();
        int at = 0;
        while (at < message.length()) {
            int colon = message.indexOf(':', at);
            if (colon <= at) {
                return null;
            }
            int length;
            try {
                length = Integer.parseInt(message, at, colon, 10);
            } catch (NumberFormatException e) {
                return null;
            }
            int end = colon + 1 + length;
            if (length < 0 || end > message.length()) {
                return null;
            }
            keys.add(message.substring(colon + 1, end));
            at = end;
        }
        return keys;
    }

    private void nearLost() {
        synchronized (near) {
            nearConfirmed.clear();
            nearListeners.values().forEach(listeners -> listeners.forEach(InvalidationChannel.Listener::lost));
        }
    }

    @Override
    protected void firstWaiter(String key) {
        String channel = channelOf(key);
        CountDownLatch fresh = new CountDownLatch(1);
        CountDownLatch confirmed = channels.putIfAbsent(channel, fresh);
        if (confirmed == null) {
            confirmed = fresh;
            send(channel);
        }
        try {
            // Unconfirmed (a reconnect in progress): the waiter still looks again after the safety wait.
            confirmed.await(CONFIRM_CHANNEL_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(String channel) {
        Listener current = listener;
        if (current == null || !current.confirmed) {
            return; // the subscriber subscribes to every known channel once it is (re)connected
        }
        synchronized (sending) {
            try {
                current.subscribe(channel);
            } catch (RuntimeException e) {
                LOG.debug(
                        "subscribing to {} on {} failed; the subscriber retries on reconnect", channel, description, e);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Listener current = listener;
        // `confirmed` is volatile; JedisPubSub's own subscription count is not safe to read here.
        if (current != null && current.confirmed) {
            synchronized (sending) {
                try {
                    current.unsubscribe();
                } catch (RuntimeException ignored) {
                    // The connection is gone already; the subscriber thread ends on its own.
                }
            }
        }
        subscriber.interrupt();
        try {
            subscriber.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void subscribeUntilClosed() {
        Backoff backoff = reconnectBackoff();
        while (!closed) {
            Listener current = new Listener();
            listener = current;
            try {
                client.subscribe(current, CHANNEL);
            } catch (JedisException e) {
                lastFailure = RedisStore.failure(description, e);
                if (current.confirmed) {
                    backoff = reconnectBackoff();
                }
                LOG.debug("lock-release subscriber on {} lost its connection", description, e);
            } catch (RuntimeException e) {
                lastFailure = e;
                LOG.warn("lock-release subscriber on {} failed", description, e);
            }
            // Whatever was published from here until the channels are confirmed again is lost.
            nearLost();
            if (closed) {
                return;
            }
            try {
                Thread.sleep(Math.max(1, backoff.next().toMillis()));
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Slower than lock polling: a server that is down should not get a hundred connects a second. */
    private static Backoff reconnectBackoff() {
        return new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
    }

    private final class Listener extends JedisPubSub {
        private volatile boolean confirmed;

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            if (closed) {
                unsubscribe();
                return;
            }
            if (CHANNEL.equals(channel)) {
                confirmed = true;
                firstSubscription.countDown();
                // Every prefix's channel again after a reconnect, and those asked for while connecting.
                String[] known = channels.keySet().toArray(new String[0]);
                if (known.length > 0) {
                    synchronized (sending) {
                        subscribe(known);
                    }
                }
                return;
            }
            CountDownLatch latch = channels.get(channel);
            if (latch != null) {
                latch.countDown();
            }
            if (channel.startsWith(NEAR_CHANNEL + ":")) {
                synchronized (near) {
                    nearConfirmed.add(channel);
                    nearListeners.getOrDefault(channel, List.of()).forEach(InvalidationChannel.Listener::listening);
                }
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            if (!channel.startsWith(NEAR_CHANNEL + ":")) {
                deliver(message);
                return;
            }
            if (message.startsWith(origin)) {
                return;
            }
            List<InvalidationChannel.Listener> listeners = nearListeners.getOrDefault(channel, List.of());
            int semicolon = message.indexOf(';');
            List<String> keys = semicolon < 0 ? null : decode(message.substring(semicolon + 1));
            if (keys == null) {
                // Not ours: which keys changed is unknown, so every copy goes.
                LOG.warn(
                        "a message on {} of {} is not a list of keys; near caches of that prefix clear",
                        channel,
                        description);
                listeners.forEach(listener -> {
                    listener.lost();
                    listener.listening();
                });
                return;
            }
            listeners.forEach(listener -> listener.invalidated(keys));
        }
    }
}
