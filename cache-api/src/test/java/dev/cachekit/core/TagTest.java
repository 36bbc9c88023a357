package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.CacheException;
import dev.cachekit.TaggedCache;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreTagger;
import dev.cachekit.spi.Tagger;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Tags")
class TagTest {

    private MemorySpace space;
    private MemoryStore raw;
    private Cache cache;

    @BeforeEach
    void open() {
        space = MemorySpace.createPrivate();
        raw = new MemoryStore(space);
        cache = Caches.builder()
                .backend(Backend.builder(new MemoryStore(space)).build())
                .build();
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    @DisplayName("flushing a tag removes the entries carrying it and only those")
    void flushRemovesOnlyTagged() {
        cache.tags("users", "user:1").put("a", "A");
        cache.tags("users", "user:2").put("b", "B");
        cache.tags("orders").put("c", "C");
        cache.put("d", "D");

        cache.tags("user:1").flush();

        assertThat(cache.tags("user:1", "users").get("a", String.class).isMiss())
                .isTrue();
        assertThat(cache.tags("users", "user:2").get("b", String.class).value()).isEqualTo("B");
        assertThat(cache.tags("orders").get("c", String.class).value()).isEqualTo("C");
        assertThat(cache.get("d", String.class).value()).isEqualTo("D");
    }

    @Test
    @DisplayName("tags are metadata: any view reads the entry while its tags are current, none once one is flushed")
    void anyViewReadsTheEntry() {
        cache.tags("b", "a").put("k", 1);

        assertThat(cache.tags("a", "b").get("k", Integer.class).value()).isEqualTo(1);
        assertThat(cache.tags("a").get("k", Integer.class).value()).isEqualTo(1);
        assertThat(cache.tags("a", "b", "c").get("k", Integer.class).value()).isEqualTo(1);
        assertThat(cache.get("k", Integer.class).value()).isEqualTo(1);

        cache.tags("c").flush();
        assertThat(cache.get("k", Integer.class).value())
                .as("a tag the entry does not carry")
                .isEqualTo(1);
        cache.tags("b").flush();
        assertThat(cache.get("k", Integer.class).isMiss()).isTrue();
        assertThat(cache.tags("a").get("k", Integer.class).isMiss()).isTrue();
        assertThat(cache.tags("a", "b").get("k", Integer.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("a view with as many tags as the entry, but other ones, checks the entry's own tags")
    void sameCountOtherTags() {
        cache.tags("a", "b").put("k", "V");
        TaggedCache other = cache.tags("a", "c");

        cache.tags("c").flush();
        assertThat(other.get("k", String.class).value()).isEqualTo("V");

        cache.tags("b").flush();
        assertThat(other.get("k", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("a view reading through its own escaped tag names sees their flushes, and only theirs")
    void escapedNamesExactView() {
        TaggedCache view = cache.tags("50%|off", "s\uD800");
        view.put("k", "V");

        assertThat(view.get("k", String.class).value()).isEqualTo("V");
        cache.tags("50%7Coff").flush();
        cache.tags("s%uD800").flush();
        assertThat(view.get("k", String.class).value()).isEqualTo("V");

        cache.tags("50%|off").flush();
        assertThat(view.get("k", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("tag names are recorded without loss: a lone surrogate never reads as another name's tag")
    void loneSurrogateTagNames() {
        cache.tags("s\uD800").put("k", "V");

        cache.tags("s?").flush();
        cache.tags("s\uFFFD").flush();
        assertThat(cache.get("k", String.class).value()).isEqualTo("V");

        cache.tags("s\uD800").flush();
        assertThat(cache.get("k", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("a tag key deleted behind the cache's back never revives an older entry")
    void evictedTagNeverRevives() {
        TaggedCache users = cache.tags("users");
        users.put("old", "stale");
        raw.delete(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).tag("users"));

        assertThat(users.get("old", String.class).isMiss()).isTrue();
        users.put("new", "fresh");
        users.put("another", "fresh too");

        assertThat(users.get("old", String.class).isMiss()).isTrue();
        assertThat(users.get("new", String.class).value()).isEqualTo("fresh");
    }

    @Test
    @DisplayName("a put that read tag versions before a flush is not readable after the flush")
    void putRacingFlushIsInvisible() throws Exception {
        CountDownLatch versionsRead = new CountDownLatch(1);
        CountDownLatch flushed = new CountDownLatch(1);
        Store store = new MemoryStore(space);
        Tagger slowTagger = new Tagger() {
            private final StoreTagger tagger = new StoreTagger(store);

            @Override
            public List<byte[]> versions(List<String> tagKeys) {
                List<byte[]> versions = tagger.versions(tagKeys);
                versionsRead.countDown();
                await(flushed);
                return versions;
            }

            @Override
            public void flush(List<String> tagKeys) {
                tagger.flush(tagKeys);
            }
        };
        try (Cache racing = Caches.builder()
                .backend(Backend.builder(store).tagger(slowTagger).build())
                .build()) {
            Thread writer = new Thread(() -> racing.tags("users").put("k", "written before the flush"));
            writer.start();
            assertThat(versionsRead.await(10, TimeUnit.SECONDS)).isTrue();
            cache.tags("users").flush();
            flushed.countDown();
            writer.join();

            assertThat(raw.get(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).entry("k")))
                    .isNotNull();
            assertThat(cache.tags("users").get("k", String.class).isMiss()).isTrue();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @DisplayName("a tagger whose versions do not fit an entry fails the put naming the tag, and writes nothing")
    void oversizedTagVersionIsRefused() {
        Store store = new MemoryStore();
        Tagger longVersions = new Tagger() {
            @Override
            public List<byte[]> versions(List<String> tagKeys) {
                return tagKeys.stream().map(key -> new byte[300]).toList();
            }

            @Override
            public void flush(List<String> tagKeys) {}
        };
        try (Cache tagged = Caches.builder()
                .backend(Backend.builder(store).tagger(longVersions).build())
                .build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> tagged.tags("users").put("k", "v"))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("'users'")
                    .hasMessageContaining("300 bytes");
            assertThat(store.get(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).entry("k")))
                    .isNull();
        }
    }
}
