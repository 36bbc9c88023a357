package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.core.Caches;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** memcached pushes nothing, so a near cache could not hear of another process's flush: refused. */
@DisplayName("Near cache on memcached")
class MemcachedNearCacheTest {

    @Test
    @DisplayName("near=on is refused, naming the reason and the way out")
    void refused() {
        String uri = MemcachedServers.uri(List.of(MemcachedServers.single()), "near=on");
        assertThatThrownBy(() -> Caches.open(uri))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("near=on")
                .hasMessageContaining("memcached has no server push")
                .hasMessageContaining("Remove near=on");
    }
}
