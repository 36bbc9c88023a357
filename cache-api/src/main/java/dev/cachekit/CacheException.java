package dev.cachekit;

/**
 * Base class of every exception the cache throws on its own account: a store that cannot be
 * reached, bytes that cannot be decoded, a load that failed or timed out, a bad configuration.
 *
 * <p>Arguments that break a method's contract (a {@code null} key, a negative TTL) are reported
 * with the standard {@link NullPointerException} and {@link IllegalArgumentException} instead.
 */
public class CacheException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names what failed and what to do about it.
     *
     * @param message the message
     */
    public CacheException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the exception that caused it.
     *
     * @param message the message
     * @param cause the cause
     */
    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
