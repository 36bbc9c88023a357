package dev.cachekit;

import java.util.Arrays;
import java.util.List;

/** Whether an entry is current: written under exactly the view's tags, each at its current version. */
final class TagCheck {

    private TagCheck() {}

    /**
     * @param envelope the entry read
     * @param viewTags the view's tags, sorted
     * @param viewVersions their current versions, in the same order (null for a tag with none)
     */
    static boolean current(Envelope envelope, List<String> viewTags, List<byte[]> viewVersions) {
        if (!envelope.tagNames().equals(viewTags)) {
            return false;
        }
        for (int i = 0; i < viewVersions.size(); i++) {
            byte[] current = viewVersions.get(i);
            if (current == null
                    || !Arrays.equals(current, envelope.tagVersions().get(i))) {
                return false;
            }
        }
        return true;
    }
}
