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
     * @param viewVersions the current versions of the view's tags, read with the entry (null for a
     *     tag that has none)
     * @return {@code true} if every tag the entry records is at its recorded version
     */
    boolean current(Envelope envelope, Entries.Tags view, List<byte[]> viewVersions) {
        List<String> recorded = envelope.tagNames();
        // Made only when the entry records a tag the view did not name.
        List<String> unreadKeys = null;
        List<byte[]> unreadVersions = null;
        for (int i = 0; i < recorded.size(); i++) {
            byte[] version = envelope.tagVersions().get(i);
            int at = Collections.binarySearch(view.names(), recorded.get(i));
            if (at < 0) {
                if (unreadKeys == null) {
                    unreadKeys = new ArrayList<>();
                    unreadVersions = new ArrayList<>();
                }
                unreadKeys.add(layout.tag(recorded.get(i)));
                unreadVersions.add(version);
            } else if (!same(viewVersions.get(at), version)) {
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

    private static boolean same(byte[] current, byte[] recorded) {
        return current != null && Arrays.equals(current, recorded);
    }
}
