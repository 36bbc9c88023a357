package dev.cachekit;

/**
 * A store operation failed: the server could not be reached, timed out or answered with an
 * error. The message names the server (address or instance) so the operator knows where to look.
 *
 * <p>Store implementations wrap their client's exceptions in this type; the cache passes it on
 * unchanged.
 */
public class StoreException extends CacheException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception naming the failed server.
     *
     * @param message what failed, naming the server
     * @param cause the client's exception, or {@code null}
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
