package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bulk calls' commands, counted by a standalone server itself with {@code INFO commandstats}. */
class RedisBulkRoundTripTest {

    private static ServerProcess server;

    @BeforeAll
    static void startServer() {
        server = RedisServers.startStandalone();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static List<String> keys(int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add("user:" + i);
        }
        return keys;
    }

    @Test
    @DisplayName("getAll of 100 keys under 3 tags is one MGET; removeAll of 100 keys one DEL")
    void oneCommandEach() {
        try (Cache cache = Caches.open("redis://" + server.address());
                CommandStats stats = CommandStats.snapshot(List.of(server))) {
            TaggedCache tagged = cache.tags("users", "page:1", "team:7");
            Map<String, Object> values = new LinkedHashMap<>();
            keys(100).forEach(key -> values.put(key, "V:" + key));
            tagged.putAll(values);
            stats.since();

            Map<String, Lookup<String>> found = tagged.getAll(keys(100), String.class);
            assertThat(found.values()).allMatch(Lookup::isHit);
            assertThat(stats.since()).isEqualTo(Map.of("mget", 1L));

            cache.removeAll(keys(100));
            assertThat(stats.since()).isEqualTo(Map.of("del", 1L));
            assertThat(cache.getAll(keys(100), String.class).values()).allMatch(Lookup::isMiss);
        }
    }

    @Test
    @DisplayName("putAll without TTL is one MSET")
    void putAllForeverIsOneMset() {
        try (Cache cache = Caches.open("redis://" + server.address());
                CommandStats stats = CommandStats.snapshot(List.of(server))) {
            Map<String, Object> values = new LinkedHashMap<>();
            keys(50).forEach(key -> values.put(key, "V:" + key));
            stats.since();

            cache.putAll(values, Cache.FOREVER);

            assertThat(stats.since()).isEqualTo(Map.of("mset", 1L));
        }
    }
}
