package dev.cachekit.spi;

import java.util.Objects;

/**
 * Proof that a lock was acquired: the lock's key, the random owner token that only this holder
 * knows (release and renew are checked against it), and the fencing token.
 *
 * @param key the lock's store key
 * @param ownerToken the random token stored under the key while the lock is held
 * @param fencingToken a number that grows with every acquisition of this lock, for storage
 *     systems that reject writes from a holder whose lease has run out
 */
public record LockLease(String key, String ownerToken, long fencingToken) {

    /**
     * Validates the lease.
     *
     * @param key the lock's store key
     * @param ownerToken the holder's random token
     * @param fencingToken the acquisition's fencing token
     * @throws NullPointerException if key or owner token is null
     */
    public LockLease {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ownerToken, "ownerToken");
    }

    @Override
    public String toString() {
        // The owner token is a secret of the holder: never print it.
        return "LockLease[key=" + key + ", fencingToken=" + fencingToken + "]";
    }
}
