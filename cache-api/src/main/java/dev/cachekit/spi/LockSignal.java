package dev.cachekit.spi;

/**
 * A wake-up channel for lock waiters: Redis pub/sub, a Hazelcast entry listener, an in-process
 * listener list. {@link StoreLocker} publishes on every release and subscribes while waiting.
 * Implement it by extending {@link LockWaiters}, which keeps the table of waiters: a backend then
 * supplies only how a release is sent and how one arrives.
 *
 * <p>A signal is scoped: it reaches the waiters of the released key (or at most of the keys under
 * the same cache prefix), never every waiter of every application on the server. It is sent only
 * after the lock key is gone.
 *
 * <p>Delivery may be lost (a reconnect); waiters therefore also look again after {@link
 * Backoff#SIGNAL_SAFETY_WAIT}.
 */
public interface LockSignal extends AutoCloseable {

    /**
     * Tells every subscriber of {@code key}, in every process, that the lock was released.
     *
     * @param key the lock's store key
     */
    void publish(String key);

    /**
     * Calls {@code onRelease} (on any thread) each time a release of {@code key} is published,
     * until the returned subscription is closed.
     *
     * @param key the lock's store key
     * @param onRelease what to run on release; must be quick and must not throw
     * @return the subscription, to close when no longer waiting
     */
    Subscription subscribe(String key, Runnable onRelease);

    /** Releases the channel's resources. Idempotent. */
    @Override
    void close();

    /** An active subscription; closing it stops the calls. */
    interface Subscription extends AutoCloseable {
        /** Stops delivery to this subscription. Idempotent. */
        @Override
        void close();
    }
}
