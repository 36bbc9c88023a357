package dev.cachekit.core;

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
        int tag = envelope.firstTag();
        for (int i = 0; i < count; i++, tag = envelope.nextTag(tag)) {
            String name = envelope.tagName(tag);
            int at = Collections.binarySearch(view.names(), name);
            if (at < 0) {
                if (unreadKeys == null) {
                    unreadKeys = new ArrayList<>();
                    unreadVersions = new ArrayList<>();
                }
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

    private static boolean same(byte[] current, byte[] recorded) {
        return current != null && Arrays.equals(current, recorded);
    }
}
