package dev.cachekit;

/**
 * A lock this caller holds. Close it (or call {@link #release()}) when done; release and renew are
 * checked against the owner token, so they never touch a lock someone else acquired after this
 * lease ran out.
 */
public interface HeldLock extends AutoCloseable {

    /**
     * The lock's name.
     *
     * @return the name
     */
    String name();

    /**
     * A number that grows with every acquisition of this lock name. Pass it to storage that can
     * reject writes carrying an older token, so a holder paused past its lease cannot overwrite the
     * work of the next one.
     *
     * @return the fencing token
     */
    long fencingToken();

    /**
     * Extends the lease by the lock's lease duration, counted from now.
     *
     * @return {@code true} if still held and extended; {@code false} if the lease had already run
     *     out (another caller may hold the lock now)
     */
    boolean renew();

    /**
     * Releases the lock and wakes waiters. Idempotent.
     *
     * @return {@code true} if this call released it; {@code false} if it had been released before
     *     or its lease had run out
     */
    boolean release();

    /** Releases the lock, as {@link #release()}. */
    @Override
    void close();
}
