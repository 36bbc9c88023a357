package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.CacheView;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.tck.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * What a tagged read costs on a cluster, where the entry and its tags live in different slots and
 * mostly on different nodes, counted by each master with {@code INFO commandstats}: one {@code GET}
 * per key and nothing else, each node sent exactly the {@code GET}s of the keys it serves, in one
 * pipeline.
 */
class RedisClusterTaggedReadTest {

    @ParameterizedTest(name = "{0} tags")
    @ValueSource(ints = {0, 1, 3})
    @DisplayName("a read through a view with N tags is N + 1 GETs, each sent to the node serving its key")
    void onePipelinedGetPerKeyPerNode(int tagCount) {
        List<ServerProcess> masters = RedisServers.cluster();
        String prefix = "cost" + tagCount + ":";
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < tagCount; i++) {
            tags.add("tag-" + i);
        }
        KeyLayout layout = KeyLayout.of(prefix);
        List<String> keys = new ArrayList<>();
        keys.add(layout.entry("user:42"));
        tags.forEach(tag -> keys.add(layout.tag(tag)));
        Map<String, Long> expected = new TreeMap<>();
        for (ClusterNodes.Node node : ClusterNodes.read(masters).values()) {
            long served = keys.stream()
                    .filter(key -> node.slots().contains(JedisClusterCRC16.getSlot(key)))
                    .count();
            if (served > 0) {
                expected.put(node.address(), served);
            }
        }

        try (Cache cache = Caches.open(RedisFixture.cluster().uri() + "&prefix=" + prefix)) {
            CacheView view = tags.isEmpty() ? cache : cache.tags(tags);
            view.put("user:42", "Ada");
            Map<String, Long> gets = new TreeMap<>();
            List<CommandStats> perNode = new ArrayList<>();
            try {
                for (ServerProcess master : masters) {
                    perNode.add(CommandStats.snapshot(List.of(master)));
                }
                assertThat(view.get("user:42", String.class).value()).isEqualTo("Ada");
                for (int i = 0; i < masters.size(); i++) {
                    Map<String, Long> ran = perNode.get(i).since();
                    if (!ran.isEmpty()) {
                        assertThat(ran.keySet())
                                .as("commands " + masters.get(i).address() + " ran")
                                .containsOnly("get");
                        gets.put(masters.get(i).address(), ran.get("get"));
                    }
                }
            } finally {
                perNode.forEach(CommandStats::close);
            }
            System.out.println("tagged read with " + tagCount + " tags: GETs per node " + gets);
            assertThat(gets).isEqualTo(expected);
            assertThat(gets.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(tagCount + 1L);
        }
    }
}
