package dev.cachekit;

/**
 * A lock this caller holds. Close it (or call {@link #release()}) when done; release and renew are
 * checked against the owner token, so they never touch a lock someone else acquired after this
 * lease ran out.
 *
 * <p>A lock can be lost while held: its lease ran out (the holder paused, the watchdog could not
 * reach the store), or the store lost the key (an eviction, a restart). A renewal, by the watchdog
 * or by {@link #renew()}, that finds the lock gone or held by another owner marks it lost: {@link
 * #isHeld()} turns {@code false} and the lock's {@linkplain CacheLock#onLost lost callback} runs
 * once. Closing a lost lock does not throw. Thread-safe.
 */
public interface HeldLock extends AutoCloseable {

    /**
     * The lock's name.
     *
     * @return the name
     */
    String name();

    /**
     * Whether this holder still holds the lock, as far as it knows: {@code false} once released, or
     * once a renewal found the lock gone or held by another owner. Without a watchdog, a lease that
     * ran out unnoticed still reads {@code true} until the next {@link #renew()}.
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
