package dev.cachekit.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.tck.ServerProcess;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** What JCache operations cost on Redis, counted in commands the server ran (INFO commandstats). */
class RoundTripsTest {

    private static ServerProcess redis;
    private static JCacheProvider provider;
    private static Cache<String, Integer> cache;

    @BeforeAll
    static void open() {
        redis = ServerProcess.redis();
        provider = new JCacheProvider();
        CacheManager manager = provider.getCacheManager(URI.create("redis://" + redis.address()), null);
        cache = manager.createCache(
                "counted", new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        cache.put("warm", 0);
        cache.get("warm");
    }

    @AfterAll
    static void close() {
        provider.close();
        redis.close();
    }

    private static Map<String, Long> commands() {
        Map<String, Long> counts = new TreeMap<>();
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                    // cmdstat_get:calls=3,usec=...,rejected_calls=0,failed_calls=0
                    String first = line.substring(line.indexOf(':') + 1).split(",")[0];
                    long calls = Long.parseLong(first.substring("calls=".length()));
                    if (!name.equals("info")) {
                        counts.put(name, calls);
                    }
                }
            }
        }
        return counts;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((name, calls) -> {
            long d = calls - before.getOrDefault(name, 0L);
            if (d > 0) {
                delta.put(name, d);
            }
        });
        return delta;
    }

    @Test
    @DisplayName("a get of a present key is one command: the multi-get of the entry and its cache's tag")
    void aGetIsOneCommand() {
        cache.put("k", 1);
        Map<String, Long> before = commands();

        cache.get("k");

        Map<String, Long> ran = delta(before, commands());
        System.out.println("get: " + ran);
        assertThat(ran).isEqualTo(Map.of("mget", 1L));
    }

    @Test
    @DisplayName("a put is the stripe lock, one read, one write and the release: at most 12 commands")
    void aPutIsLockReadWriteRelease() {
        Map<String, Long> before = commands();

        cache.put("p", 1);

        Map<String, Long> ran = delta(before, commands());
        System.out.println("put: " + ran);
        // The read of the old entry and the write's read of the tag version are the two MGETs; the
        // one SET of the entry is among the SETs. The rest is the named lock: acquisition with its
        // fencing counter, release with its owner check and wake-up. Measured: 12 commands in all.
        assertThat(ran).containsEntry("mget", 2L);
        assertThat(ran.values().stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(12);
    }
}
