package dev.cachekit;

/**
 * A value could not be encoded or decoded: its class is not on the codec's allow-list, or the
 * bytes are malformed. The message names the class and how to allow it.
 */
public class CodecException extends CacheException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, naming the class
     */
    public CodecException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what failed, naming the class
     * @param cause the cause
     */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
