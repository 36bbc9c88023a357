package dev.cachekit.spi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Every store key a cache writes, in one place: entries, tag versions, load locks, named locks and
 * their fencing counters. The cache, the TCK and tests all derive keys here, never by hand.
 *
 * <p>A store key is {@code escape(prefix) + kind + '|' + escape(name)}, where {@code kind} is one
 * letter ({@code e} entry, {@code t} tag, {@code l} load lock, {@code k} named lock, {@code f}
 * fencing counter) and {@code escape} writes {@code %} as {@code %25}, {@code |} as {@code %7C} and
 * a lone UTF-16 surrogate as {@code %uXXXX}, leaving every other character as it is. So:
 *
 * <ul>
 *   <li>the first {@code |} of a store key ends the prefix and the kind, because an escaped prefix
 *       holds none: two different prefixes, or two kinds, never reach one store key, whatever the
 *       names (prefix {@code p:} with key {@code e|x} and prefix {@code p:e|} with key {@code x}
 *       stay apart);
 *   <li>the escape is injective and its result is valid UTF-16, so two different names never meet
 *       in a store that keeps keys as UTF-8 bytes ({@code "s\uD800"} and {@code "s?"} stay apart).
 * </ul>
 *
 * <p>With the default prefix, user 42's entry lives at {@code cachekit:e|user:42} and the tag
 * {@code users} at {@code cachekit:t|users}. Instances are immutable and thread-safe.
 */
public final class KeyLayout {

    private final String prefix;
    private final String escapedPrefix;

    private KeyLayout(String prefix) {
        this.prefix = prefix;
        this.escapedPrefix = escape(prefix);
    }

    /**
     * The layout of a cache with this prefix.
     *
     * @param prefix the cache's prefix, possibly empty
     * @return the layout
     */
    public static KeyLayout of(String prefix) {
        return new KeyLayout(Objects.requireNonNull(prefix, "prefix"));
    }

    /**
     * The prefix this layout was made with, as the user gave it.
     *
     * @return the prefix
     */
    public String prefix() {
        return prefix;
    }

    /**
     * The store key of an entry.
     *
     * @param key the caller's key
     * @return the store key
     */
    public String entry(String key) {
        return compose('e', key);
    }

    /**
     * The store key of a tag's version.
     *
     * @param tag the tag name
     * @return the store key
     */
    public String tag(String tag) {
        return compose('t', tag);
    }

    /**
     * The store key of the lock {@code getOrLoad} takes to load {@code key}.
     *
     * @param key the caller's key
     * @return the store key
     */
    public String loadLock(String key) {
        return compose('l', key);
    }

    /**
     * The store key of a named lock ({@code cache.lock(name)}).
     *
     * @param name the lock's name
     * @return the store key
     */
    public String lock(String name) {
        return compose('k', name);
    }

    /**
     * The store key of a named lock's fencing counter.
     *
     * @param name the lock's name
     * @return the store key
     */
    public String fence(String name) {
        return compose('f', name);
    }

    /** What a store key made by a layout holds, read from its kind letter. */
    public enum Kind {
        /** An entry ({@link #entry}). */
        ENTRY,
        /** A tag's version ({@link #tag}). */
        TAG,
        /** A load lock ({@link #loadLock}). */
        LOAD_LOCK,
        /** A named lock ({@link #lock}). */
        LOCK,
        /** A named lock's fencing counter ({@link #fence}). */
        FENCE
    }

    /**
     * What a store key holds, for stores that keep kinds apart (the in-process store never evicts a
     * lock or a fencing counter to make room for entries). Reads the letter before the key's first
     * {@code |}, which ends the escaped prefix and the kind whatever the prefix and the name.
     *
     * @param storeKey a store key, made by any layout or not
     * @return its kind, or {@code null} if no layout makes a key of that shape
     */
    public static Kind kindOf(String storeKey) {
        int bar = storeKey.indexOf('|');
        if (bar < 1) {
            return null;
        }
        switch (storeKey.charAt(bar - 1)) {
            case 'e':
                return Kind.ENTRY;
            case 't':
                return Kind.TAG;
            case 'l':
                return Kind.LOAD_LOCK;
            case 'k':
                return Kind.LOCK;
            case 'f':
                return Kind.FENCE;
            default:
                return null;
        }
    }

    /**
     * The longest store key this layout makes for {@code name}, in UTF-8 bytes: what a store's key
     * limit must accept for the name to be usable as a key, tag or lock name.
     *
     * @param name a key, tag or lock name
     * @return the length in UTF-8 bytes
     */
    public int storeKeyBytes(String name) {
        return entry(name).getBytes(StandardCharsets.UTF_8).length;
    }

    private String compose(char kind, String name) {
        Objects.requireNonNull(name, "name");
        String escaped = escape(name);
        return new StringBuilder(escapedPrefix.length() + 2 + escaped.length())
                .append(escapedPrefix)
                .append(kind)
                .append('|')
                .append(escaped)
                .toString();
    }

    /**
     * Escapes {@code text} as store keys hold it: {@code %} as {@code %25}, {@code |} as {@code
     * %7C}, a lone surrogate as {@code %u} and four hex digits; every other character unchanged.
     *
     * @param text any string
     * @return the escaped string, valid UTF-16 and free of {@code |}
     */
    public static String escape(String text) {
        int length = text.length();
        int i = 0;
        while (i < length) {
            char c = text.charAt(i);
            if (c == '%' || c == '|' || Character.isSurrogate(c)) {
                break;
            }
            i++;
        }
        if (i == length) {
            return text;
        }
        StringBuilder out = new StringBuilder(length + 8).append(text, 0, i);
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                out.append("%25");
            } else if (c == '|') {
                out.append("%7C");
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append("%u").append(String.format("%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "KeyLayout[prefix=" + escapedPrefix + "]";
    }
}
