package dev.cachekit.core;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Whether an entry is current: every tag recorded in its envelope still has the version recorded
 * there. Tags are metadata of an entry, not part of its identity, so any view reads it: the
 * versions of the view's own tags come with the entry in one multi-get, and the recorded tags the
 * view did not name are fetched in one more.
 */
final class TagCheck {

    /** An entry keeps a tag version's length in one byte. */
    static final int MAX_VERSION_BYTES = 0xFF;

    private final Store store;
    private final KeyLayout layout;

    TagCheck(Store store, KeyLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    /**
     * @param envelope the entry read
     * @param view the reading view's tags
     * @param read what the read fetched: the entry, then the current versions of the view's tags
     *     (null for a tag that has none); empty for the untagged view
     * @return {@code true} if every tag the entry records is at its recorded version
     */
    boolean current(Envelope envelope, Entries.Tags view, List<byte[]> read) {
        int count = envelope.tagCount();
        if (count == 0) {
            return true;
        }
        if (recordsExactly(envelope, view)) {
            int tag = envelope.firstTag();
            for (int i = 0; i < count; i++, tag = envelope.nextTag(tag)) {
                if (!envelope.tagVersionIs(tag, read.get(1 + i))) {
                    return false;
                }
            }
            return true;
        }
        // Made only when the entry records a tag the view did not name.
        List<String> unreadKeys = null;
        List<byte[]> unreadVersions = null;
        List<String> unreadNames = null;
        int tag = envelope.firstTag();
        for (int i = 0; i < count; i++, tag = envelope.nextTag(tag)) {
            String name = envelope.tagName(tag);
            int at = Collections.binarySearch(view.names(), name);
            if (at < 0) {
                if (unreadKeys == null) {
                    unreadKeys = new ArrayList<>();
                    unreadVersions = new ArrayList<>();
                    unreadNames = new ArrayList<>();
                }
                unreadNames.add(name);
                unreadKeys.add(layout.tag(name));
                unreadVersions.add(envelope.tagVersion(tag));
            } else if (!envelope.tagVersionIs(tag, read.get(1 + at))) {
                // Decided without the second round trip.
                return false;
            }
        }
        if (unreadKeys == null) {
            return true;
        }
        List<byte[]> current = store.getAll(unreadKeys);
        for (int i = 0; i < unreadKeys.size(); i++) {
            checkVersion(unreadKeys.get(i), unreadNames.get(i), current.get(i));
            if (!same(current.get(i), unreadVersions.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the entry records exactly the view's tags, the usual case (written through a view with
     * the same tags): compared on the entry's bytes, so no name is decoded.
     */
    private static boolean recordsExactly(Envelope envelope, Entries.Tags view) {
        List<byte[]> names = view.encodedNames();
        if (envelope.tagCount() != names.size()) {
            return false;
        }
        int tag = envelope.firstTag();
        for (int i = 0; i < names.size(); i++, tag = envelope.nextTag(tag)) {
            if (!envelope.tagNameIs(tag, names.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fails unless {@code version}, read from the key {@code tagKey} of {@code tag}, is a tag version: absent,
     * or 1 to {@value #MAX_VERSION_BYTES} bytes (taggers write 16 random bytes). What a tagger
     * writes is opaque otherwise; any bytes of that length are a version, as if the tag had been
     * flushed.
     *
     * @throws CorruptEntryException naming the tag key otherwise
     */
    static void checkVersion(String tagKey, String tag, byte[] version) {
        if (version != null && (version.length == 0 || version.length > MAX_VERSION_BYTES)) {
            throw new CorruptEntryException(
                    tagKey,
                    "the version of tag " + Printable.quote(tag) + " is " + version.length
                            + " bytes, which is no tag version (1 to " + MAX_VERSION_BYTES
                            + " bytes); nothing was read or written: flush the tag or delete the key to reset it");
        }
    }

    private static boolean same(byte[] current, byte[] recorded) {
        return current != null && Arrays.equals(current, recorded);
    }
}
