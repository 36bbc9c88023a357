package dev.cachekit;

import dev.cachekit.internal.Printable;

/**
 * The bytes stored under a key are not a valid cache entry: truncated, corrupted, written by an
 * unknown format version, or written with a codec other than the one this cache uses. The message
 * names the key. The cache never returns a value it could not verify.
 */
public class CorruptEntryException extends CacheException {
    private static final long serialVersionUID = 1L;

    /** The store key whose bytes could not be read. */
    private final String key;

    /**
     * Creates an exception naming the key whose bytes are bad.
     *
     * @param key the store key
     * @param message what is wrong with the bytes
     */
    public CorruptEntryException(String key, String message) {
        super("entry " + Printable.quote(key) + ": " + message);
        this.key = key;
    }

    /**
     * Creates an exception naming the key whose bytes are bad, with a cause.
     *
     * @param key the store key
     * @param message what is wrong with the bytes
     * @param cause the underlying failure
     */
    public CorruptEntryException(String key, String message, Throwable cause) {
        super("entry " + Printable.quote(key) + ": " + message, cause);
        this.key = key;
    }

    /**
     * Returns the store key whose bytes could not be read.
     *
     * @return the store key
     */
    public String key() {
        return key;
    }
}
