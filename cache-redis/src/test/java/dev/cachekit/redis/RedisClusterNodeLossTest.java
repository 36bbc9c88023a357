package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A cluster node dies under an open store whose pools still hold connections to it. */
class RedisClusterNodeLossTest {

    private static List<ServerProcess> masters;

    @BeforeAll
    static void startCluster() {
        // A cluster of its own: this test kills a node.
        masters = RedisServers.startCluster();
    }

    @AfterAll
    static void stopCluster() {
        masters.forEach(ServerProcess::close);
    }

    @Test
    @DisplayName("a multi-get or multi-set that meets a dead node fails with a StoreException naming the cluster")
    void pipelineToDeadNodeFailsAsStoreException() {
        String nodes = masters.stream().map(ServerProcess::address).collect(Collectors.joining(","));
        try (Backend backend = Caches.backend("redis-cluster://" + nodes + "?timeout=1s")) {
            Store store = backend.store();
            // Keys spread over every node; the first calls leave a pooled connection to each.
            List<String> keys = new ArrayList<>();
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (int i = 0; i < 30; i++) {
                keys.add("k" + i);
                entries.put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
            }
            store.setAll(entries, 60_000);
            assertThat(store.getAll(keys)).hasSize(30).doesNotContainNull();

            masters.get(2).kill();

            assertThatThrownBy(() -> store.getAll(keys))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(masters.get(2).address());
            assertThatThrownBy(() -> store.setAll(entries, 60_000))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(masters.get(2).address());
        }
    }
}
