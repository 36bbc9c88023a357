package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.KeyLayout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A tag key evicted by memcached")
class MemcachedEvictedTagTest {

    private static MemcachedFixture fixture(String which) {
        return which.equals("one") ? MemcachedFixture.single() : MemcachedFixture.pair();
    }

    @ParameterizedTest(name = "on {0} server(s)")
    @ValueSource(strings = {"one", "two"})
    @DisplayName("never revives the entries written under the tag before the eviction")
    void evictedTagNeverRevivesStaleEntries(String which) {
        MemcachedFixture fixture = fixture(which);
        fixture.reset();
        try (Cache cache =
                Caches.builder().backend(fixture.open()).keyPrefix("evict:").build()) {
            TaggedCache users = cache.tags("users");
            for (int i = 0; i < 20; i++) {
                users.put("user:" + i, "old-" + i);
            }
            assertThat(users.get("user:0", String.class).value()).isEqualTo("old-0");
            assertThat(fixture.rawGet(KeyLayout.of("evict:").tag("users")))
                    .as("the tag's version is in memcached")
                    .isNotNull();

            fixture.rawDelete(KeyLayout.of("evict:").tag("users"));

            // The tag comes back with a fresh version as soon as anything is written under it.
            users.put("user:new", "new");
            users.put("user:0", "rewritten");
            assertThat(fixture.rawGet(KeyLayout.of("evict:").tag("users"))).isNotNull();
            assertThat(users.get("user:new", String.class).value()).isEqualTo("new");
            assertThat(users.get("user:0", String.class).value()).isEqualTo("rewritten");
            for (int i = 1; i < 20; i++) {
                assertThat(users.get("user:" + i, String.class).isHit())
                        .as("entry user:%d written before the eviction", i)
                        .isFalse();
                assertThat(fixture.rawGet(KeyLayout.of("evict:").entry("user:" + i)))
                        .as("its bytes are still in memcached, yet unreadable")
                        .isNotNull();
            }
        }
    }
}
