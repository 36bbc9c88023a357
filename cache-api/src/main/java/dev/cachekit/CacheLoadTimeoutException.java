package dev.cachekit;

import java.time.Duration;

/**
 * {@code getOrLoad} waited its whole load timeout for another caller's load of the same key and
 * no value appeared (see {@link LoadTimeoutPolicy#FAIL}).
 */
public class CacheLoadTimeoutException extends CacheException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param key the key being loaded
     * @param timeout how long the caller waited
     */
    public CacheLoadTimeoutException(String key, Duration timeout) {
        super("key '" + key + "' was not loaded within " + timeout
                + ": another caller holds its load lock and has not written a value. Raise loadTimeout,"
                + " or choose LoadTimeoutPolicy.LOAD_ANYWAY to load without the lock after the timeout");
    }
}
