package dev.cachekit;

/**
 * A cache could not be built as asked: an unknown URI scheme, an unknown or malformed option, two
 * providers claiming one scheme. The message names the offending part and the accepted ones.
 */
public class CacheConfigurationException extends CacheException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception naming what is wrong with the configuration.
     *
     * @param message the message
     */
    public CacheConfigurationException(String message) {
        super(message);
    }

    /**
     * Creates an exception naming what is wrong with the configuration, with a cause.
     *
     * @param message the message
     * @param cause the cause
     */
    public CacheConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
