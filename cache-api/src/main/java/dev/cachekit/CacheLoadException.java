package dev.cachekit;

/**
 * The loader given to {@code getOrLoad} threw. Every caller that waited for that load gets this
 * exception, with the loader's exception as its {@link #getCause() cause}; nothing was cached.
 */
public class CacheLoadException extends CacheException {
    private static final long serialVersionUID = 1L;

    /** The key whose load failed, as the caller gave it. */
    private final String key;

    /**
     * Creates the exception.
     *
     * @param key the key being loaded
     * @param cause what the loader threw
     */
    public CacheLoadException(String key, Throwable cause) {
        super("loading key '" + key + "' failed: " + cause, cause);
        this.key = key;
    }

    /**
     * Creates the exception for a load of several keys.
     *
     * @param key the first key whose load failed
     * @param what the keys, as the message names them
     * @param cause what the loader threw
     */
    protected CacheLoadException(String key, String what, Throwable cause) {
        super("loading " + what + " failed: " + cause, cause);
        this.key = key;
    }

    /**
     * The key whose load failed.
     *
     * @return the key, as the caller gave it
     */
    public String key() {
        return key;
    }
}
