package dev.cachekit.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** cachekit's near cache is refused on Hazelcast, which has its own; the member started is shut down. */
@DisplayName("Near cache on Hazelcast")
class HazelcastNearCacheTest {

    @Test
    @DisplayName("near=on is refused, pointing to Hazelcast's own near cache, and the embedded member is shut down")
    void refused() {
        String name = "cachekit-near-" + UUID.randomUUID().toString().substring(0, 8);
        String uri = "hazelcast://embedded?cluster=" + name + "&port=" + ServerProcess.freePort() + "&near=on";
        assertThatThrownBy(() -> Caches.open(uri))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("near=on")
                .hasMessageContaining("NearCacheConfig");
        assertThat(Hazelcast.getAllHazelcastInstances().stream()
                        .anyMatch(member -> member.getConfig().getClusterName().equals(name)))
                .isFalse();
    }
}
