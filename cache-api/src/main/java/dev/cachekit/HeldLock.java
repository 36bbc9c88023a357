package dev.cachekit;

/**
 * A lock this caller holds. Close it (or call {@link #release()}) when done; release and renew are
 * checked against the owner token, so they never touch a lock someone else acquired after this
 * lease ran out.
 *
 * <p>A lock can be lost while held: its lease ran out (the holder paused, the watchdog could not
 * reach the store), or the store lost the key (an eviction, a restart). The holder keeps its own
 * account of the lease by this process's monotonic clock, counted from just before the acquisition
 * (or the last renewal the store confirmed) was sent: once the lease has elapsed so, less a safety
 * margin for the store's clock running faster (1 % of the lease plus 2 ms), the lock is lost, even
 * while the store cannot be reached to ask. A renewal, by the watchdog or by {@link #renew()}, that
 * finds the lock gone or held by another owner marks it lost too. Either way {@link #isHeld()}
 * turns {@code false} and the lock's {@linkplain CacheLock#onLost lost callback} runs once; a lock
 * lost by the clock also has its token deleted (owner-checked) in the background, in case a
 * renewal sent before reaches the store late. Closing a lost lock does not throw. Thread-safe.
 */
public interface HeldLock extends AutoCloseable {

    /**
     * The lock's name.
     *
     * @return the name
     */
    String name();

    /**
     * Whether this holder still holds the lock, as far as it knows: {@code false} once released,
     * once a renewal found the lock gone or held by another owner, or once the lease (less the
     * safety margin) has elapsed by this process's clock since the last acquisition or renewal the
     * store confirmed, with or without a watchdog. Asks nothing of the store.
     *
     * @return whether the lock is held
     */
    boolean isHeld();

    /**
     * A number that grows with every acquisition of this lock name. Pass it to storage that can
     * reject writes carrying an older token, so a holder paused past its lease cannot overwrite the
     * work of the next one. Tokens never go backwards, even when the store loses the counter
     * (evicted, deleted, or the server restarted empty): a lost counter restarts from a clock in
     * microseconds, so the guarantee rests on that clock not stepping back (see the README's lock
     * section for which clock each backend uses).
     *
     * @return the fencing token
     */
    long fencingToken();

    /**
     * Extends the lease by the lock's lease duration, counted from now.
     *
     * @return {@code true} if still held and extended; {@code false} if released, or if the lease had
     *     already run out or the store lost the lock (the lock is then marked lost)
     */
    boolean renew();

    /**
     * Releases the lock and wakes waiters. Idempotent.
     *
     * @return {@code true} if this call released it; {@code false} if it had been released before
     *     or its lease had run out
     */
    boolean release();

    /** Releases the lock, as {@link #release()}; does nothing for a lock already lost. */
    @Override
    void close();
}
