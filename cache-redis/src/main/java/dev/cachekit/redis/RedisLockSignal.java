package dev.cachekit.redis;

import dev.cachekit.StoreException;
import dev.cachekit.spi.Backoff;
import dev.cachekit.spi.LockSignal;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Lock-release signals over Redis pub/sub: a release is {@code PUBLISH} {@value #CHANNEL} {@code
 * <lock key>}; each backend keeps one subscriber connection on that channel (on a thread of its own)
 * and hands each message to the waiters of that key in this process. In a cluster, {@code PUBLISH}
 * reaches every node, so the subscriber may sit on any of them.
 *
 * <p>The subscription is confirmed by the server before {@link #start} returns, so a waiter that
 * subscribes in-process and then looks at the lock never misses a release. When the connection
 * drops (a server restart), the subscriber connects again with backoff; releases published while it
 * was away are lost, which waiters tolerate because they look again after {@link
 * Backoff#SIGNAL_SAFETY_WAIT}.
 */
final class RedisLockSignal implements LockSignal {

    /** The pub/sub channel that carries the keys of released locks. */
    static final String CHANNEL = "cachekit:lock-released";

    private static final System.Logger LOG = System.getLogger(RedisLockSignal.class.getName());

    private final UnifiedJedis client;
    private final String description;
    private final Map<String, Set<Runnable>> waiters = new ConcurrentHashMap<>();
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
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

    @Override
    public void publish(String key) {
        try {
            client.publish(CHANNEL, key);
        } catch (JedisException e) {
            // The lock is already released; waiters that miss this signal look again on their own.
            LOG.log(Level.DEBUG, () -> "publishing the release of " + key + " on " + description + " failed", e);
        }
    }

    @Override
    public Subscription subscribe(String key, Runnable onRelease) {
        waiters.compute(key, (k, set) -> {
            Set<Runnable> listening = set != null ? set : new CopyOnWriteArraySet<>();
            listening.add(onRelease);
            return listening;
        });
        return () -> waiters.computeIfPresent(key, (k, set) -> {
            set.remove(onRelease);
            return set.isEmpty() ? null : set;
        });
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
            try {
                current.unsubscribe();
            } catch (RuntimeException ignored) {
                // The connection is gone already; the subscriber thread ends on its own.
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
                LOG.log(Level.DEBUG, () -> "lock-release subscriber on " + description + " lost its connection", e);
            } catch (RuntimeException e) {
                lastFailure = e;
                LOG.log(Level.WARNING, () -> "lock-release subscriber on " + description + " failed", e);
            }
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
            confirmed = true;
            if (closed) {
                unsubscribe();
                return;
            }
            firstSubscription.countDown();
        }

        @Override
        public void onMessage(String channel, String key) {
            Set<Runnable> listening = waiters.get(key);
            if (listening == null) {
                return;
            }
            for (Runnable onRelease : listening) {
                try {
                    onRelease.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, () -> "a lock-release listener for " + key + " threw", e);
                }
            }
        }
    }
}
