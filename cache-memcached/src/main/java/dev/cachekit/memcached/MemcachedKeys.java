package dev.cachekit.memcached;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Maps any non-empty string to a key memcached accepts: at most {@value #MAX_KEY_BYTES} bytes of
 * printable ASCII without spaces.
 *
 * <p>A key that already is such a key, and does not contain {@value #MARKER}, is used as it is.
 * Every other key becomes a readable prefix (its first characters, with the unsafe ones replaced
 * by {@code _}), then {@value #MARKER}, then the base64url SHA-256 of the whole key's UTF-8 bytes.
 * Mapped keys always contain the marker and unmapped ones never do, so a mapped key can never equal
 * an unmapped one, and two different keys share an entry only if SHA-256 collides.
 */
final class MemcachedKeys {

    /** The longest key memcached accepts, in bytes. */
    static final int MAX_KEY_BYTES = 250;

    /** Present in every mapped key and in no key used as it is. */
    static final char MARKER = '~';

    private static final int READABLE_CHARS = 120;

    private MemcachedKeys() {}

    /**
     * Returns the memcached key for a store key.
     *
     * @param key a non-empty store key
     * @return {@code key} itself when memcached can take it, else its mapped form
     */
    static String toMemcached(String key) {
        return isSafe(key) ? key : mapped(key);
    }

    static boolean isSafe(String key) {
        int length = key.length();
        if (length == 0 || length > MAX_KEY_BYTES) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (!isSafeChar(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSafeChar(char c) {
        // Printable ASCII: no space, no control character, nothing that takes two UTF-8 bytes.
        return c > 0x20 && c < 0x7f && c != MARKER;
    }

    private static String mapped(String key) {
        StringBuilder out = new StringBuilder(READABLE_CHARS + 1 + 43);
        int readable = Math.min(key.length(), READABLE_CHARS);
        for (int i = 0; i < readable; i++) {
            char c = key.charAt(i);
            out.append(isSafeChar(c) ? c : '_');
        }
        out.append(MARKER);
        out.append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(key)));
        return out.toString();
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
