package dev.cachekit;

import java.util.SortedSet;

/**
 * A view of the cache whose entries carry a set of tags. Flushing the view makes every entry
 * written under any of its tags disappear at once, at a constant cost (one multi-set of fresh tag
 * versions) whatever the number of entries.
 *
 * <pre>{@code
 * TaggedCache users = cache.tags("users", "user:42");
 * User u = users.getOrLoad("user:42", User.class, () -> db.findUser(42));
 * cache.tags("user:42").flush();   // every entry tagged user:42 is gone
 * }</pre>
 *
 * <p>The order of the tags does not matter. Thread-safe; cheap to create.
 */
public interface TaggedCache extends CacheView {

    /**
     * The tags of this view.
     *
     * @return the tag names, sorted
     */
    SortedSet<String> tags();

    /**
     * Invalidates every entry written under any of this view's tags, in any view. A write that
     * read the tag versions before the flush is not readable after it, even if it lands later.
     */
    void flush();

    /**
     * This view with another refresh-ahead rule; see {@link CacheView#withRefreshAhead}.
     *
     * @param rule the rule
     * @return a tagged view over the same tags
     */
    @Override
    TaggedCache withRefreshAhead(RefreshAhead rule);
}
