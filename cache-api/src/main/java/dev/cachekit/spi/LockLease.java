package dev.cachekit.spi;

import java.util.Objects;

/**
 * Proof that a lock was acquired: the lock's key, the random owner token that only this holder
 * knows (release and renew are checked against it), and the fencing token.
 *
 * @param key the lock's store key
 * @param ownerToken the random token stored under the key while the lock is held
 * @param fencingToken for a fenced acquisition, a positive number above every token issued for
 *     this lock before, for storage systems that reject writes from a holder whose lease has run
 *     out; {@link #UNFENCED} for an acquisition without one
 * @param sentNanos the {@link System#nanoTime()} reading taken just before the acquisition was
 *     sent to the store: the lease is counted from then by this process's clock, so a holder knows
 *     when it is over even if the store cannot be reached to ask
 */
public record LockLease(String key, String ownerToken, long fencingToken, long sentNanos) {

    /** The fencing token of a lease acquired without one ({@link Locker#tryAcquire}). */
    public static final long UNFENCED = 0;

    /**
     * Validates the lease.
     *
     * @param key the lock's store key
     * @param ownerToken the holder's random token
     * @param fencingToken the acquisition's fencing token, or {@link #UNFENCED}
     * @param sentNanos the {@link System#nanoTime()} reading taken just before the acquisition was
     *     sent
     * @throws NullPointerException if key or owner token is null
     * @throws IllegalArgumentException if the fencing token is negative
     */
    public LockLease {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ownerToken, "ownerToken");
        if (fencingToken < 0) {
            throw new IllegalArgumentException("a fencing token is never negative, was " + fencingToken);
        }
    }

    /**
     * A lease counted from now: for a locker that cannot tell when it sent the acquisition. The
     * lease then runs a round trip longer by this process's clock than by the store's; a locker
     * that can should pass the time it sent the acquisition instead.
     *
     * @param key the lock's store key
     * @param ownerToken the holder's random token
     * @param fencingToken the acquisition's fencing token, or {@link #UNFENCED}
     */
    public LockLease(String key, String ownerToken, long fencingToken) {
        this(key, ownerToken, fencingToken, System.nanoTime());
    }

    @Override
    public String toString() {
        // The owner token is a secret of the holder: never print it.
        return "LockLease[key=" + key + ", fencingToken=" + fencingToken + "]";
    }
}
