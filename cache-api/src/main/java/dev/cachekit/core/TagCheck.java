package dev.cachekit.core;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
     * Drops, from a batch of entries read together, those that are not current: each entry's tags
     * named by the view are checked against the versions the read fetched, and the tags some entries
     * record and the view did not name are fetched in at most one more multi-get for the whole
     * batch (their union, each tag once), however many entries record them.
     *
     * @param envelopes the entries read, null where there was none (a miss, an expired entry);
     *     an entry found not current is set to null
     * @param view the reading view's tags
     * @param read what the first read fetched: the entries, then the current versions of the view's
     *     tags (null for a tag that has none) starting at index {@code envelopes.length}
     */
    void retainCurrent(Envelope[] envelopes, Entries.Tags view, List<byte[]> read) {
        int viewAt = envelopes.length;
        // Made only when an entry records a tag the view did not name: tag name -> index in unreadKeys.
        Map<String, Integer> unread = null;
        List<String> unreadKeys = null;
        boolean[] pending = null;
        for (int e = 0; e < envelopes.length; e++) {
            Envelope envelope = envelopes[e];
            if (envelope == null) {
                continue;
            }
            int count = envelope.tagCount();
            if (count == 0) {
                continue;
            }
            if (recordsExactly(envelope, view)) {
                int tag = envelope.firstTag();
                for (int i = 0; i < count; i++, tag = envelope.nextTag(tag)) {
                    if (!envelope.tagVersionIs(tag, read.get(viewAt + i))) {
                        envelopes[e] = null;
                        break;
                    }
                }
                continue;
            }
            boolean waits = false;
            int tag = envelope.firstTag();
            for (int i = 0; i < count; i++, tag = envelope.nextTag(tag)) {
                String name = envelope.tagName(tag);
                int at = Collections.binarySearch(view.names(), name);
                if (at >= 0) {
                    if (!envelope.tagVersionIs(tag, read.get(viewAt + at))) {
                        // Decided without the second round trip.
                        waits = false;
                        envelopes[e] = null;
                        break;
                    }
                    continue;
                }
                if (unread == null) {
                    unread = new HashMap<>();
                    unreadKeys = new ArrayList<>();
                    pending = new boolean[envelopes.length];
                }
                if (!unread.containsKey(name)) {
                    unread.put(name, unreadKeys.size());
                    unreadKeys.add(layout.tag(name));
                }
                waits = true;
            }
            if (waits) {
                pending[e] = true;
            }
        }
        if (unread == null) {
            return;
        }
        // Tags recorded only by entries already found stale were collected too: asking for them
        // costs no extra round trip, and skipping them would need a second pass over the batch.
        List<byte[]> current = store.getAll(unreadKeys);
        Entries.checkAnswer(store, unreadKeys.size(), current);
        String[] names = new String[unreadKeys.size()];
        unread.forEach((name, index) -> names[index] = name);
        for (int i = 0; i < names.length; i++) {
            checkVersion(unreadKeys.get(i), names[i], current.get(i));
        }
        for (int e = 0; e < envelopes.length; e++) {
            Envelope envelope = envelopes[e];
            if (!pending[e] || envelope == null) {
                continue;
            }
            int tag = envelope.firstTag();
            for (int i = 0; i < envelope.tagCount(); i++, tag = envelope.nextTag(tag)) {
                Integer at = unread.get(envelope.tagName(tag));
                if (at != null && !same(current.get(at), envelope.tagVersion(tag))) {
                    envelopes[e] = null;
                    break;
                }
            }
        }
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
