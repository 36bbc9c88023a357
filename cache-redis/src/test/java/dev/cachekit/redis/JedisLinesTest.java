package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;

/**
 * The supported Jedis lines: this class runs on the Jedis the build compiles against and, in the
 * {@code jedis-boot} run, on the one Spring Boot manages; {@code cachekit.test.jedis} names the one
 * expected.
 */
class JedisLinesTest {

    @Test
    @DisplayName("the version check sees the Jedis this run put on the class path, and lets it through")
    void seesTheRunsJedis() {
        String expected = System.getProperty("cachekit.test.jedis");
        assertThat(expected).as("surefire sets cachekit.test.jedis").isNotBlank();
        assertThat(JedisVersion.found()).isEqualTo(expected);
        assertThat(JedisVersion.problem(expected)).isNull();
    }

    @Test
    @DisplayName("a Jedis older than 7.0 is refused naming the version found, the one needed and the property")
    void olderJedisIsRefused() {
        assertThat(JedisVersion.problem("6.0.0"))
                .contains("found Jedis 6.0.0")
                .contains("needs Jedis 7.0 or newer")
                .contains("<jedis.version>" + JedisVersion.RECOMMENDED + "</jedis.version>")
                .contains("redis.clients:jedis:" + JedisVersion.RECOMMENDED);
        assertThat(JedisVersion.problem("5.2.0-beta1")).contains("found Jedis 5.2.0-beta1");
        assertThat(JedisVersion.problem(null)).contains("redis.clients:jedis is not on the class path");
        assertThat(JedisVersion.problem("7.0.0")).isNull();
        assertThat(JedisVersion.problem("8.0.2")).isNull();
        assertThat(JedisVersion.problem("7.2.1")).isNull();
    }

    @Test
    @DisplayName("a Jedis class or method missing at run time becomes the same message, with what was missing")
    void linkageErrorIsExplained() {
        CacheConfigurationException e =
                JedisVersion.unsupported(new NoClassDefFoundError("redis/clients/jedis/RedisClient"));
        assertThat(e)
                .hasMessageContaining("found Jedis " + System.getProperty("cachekit.test.jedis"))
                .hasMessageContaining("redis/clients/jedis/RedisClient")
                .hasMessageContaining("jedis.version");
        assertThatThrownBy(() -> {
                    throw e;
                })
                .isInstanceOf(CacheConfigurationException.class);
    }

    @Test
    @DisplayName("a URI opens a working cache: standalone and cluster")
    void urisOpen() {
        try (Cache cache = Caches.open(RedisFixture.standalone().uri() + "&prefix=lines:")) {
            cache.tags("t").put("k", "v");
            assertThat(cache.tags("t").get("k", String.class).value()).isEqualTo("v");
        }
        try (Cache cache = Caches.open(RedisFixture.cluster().uri() + "&prefix=lines:")) {
            cache.tags("t1", "t2", "t3").put("k", "v");
            assertThat(cache.tags("t1", "t2", "t3").get("k", String.class).value())
                    .isEqualTo("v");
            cache.tags("t2").flush();
            assertThat(cache.tags("t1", "t2", "t3").get("k", String.class).isMiss())
                    .isTrue();
        }
    }

    @Test
    @DisplayName("a client the application built, on classes both lines have, backs a cache")
    void givenClients() {
        ServerProcess server = RedisServers.standalone();
        try (UnifiedJedis jedis = RedisFixture.rawClient(server);
                Cache cache = Caches.builder()
                        .backend(RedisBackends.of(jedis))
                        .keyPrefix("lines-given:")
                        .build()) {
            cache.put("k", "v");
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");
            assertThat(cache.describe()).isEqualTo("redis " + server.address());
        }
        Set<HostAndPort> nodes = RedisServers.cluster().stream()
                .map(m -> new HostAndPort("127.0.0.1", m.port()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        try (JedisCluster jedis = new JedisCluster(nodes);
                Cache cache = Caches.builder()
                        .backend(RedisBackends.of(jedis))
                        .keyPrefix("lines-given:")
                        .build()) {
            cache.tags("t1", "t2", "t3").put("k", "v");
            assertThat(cache.tags("t1", "t2", "t3").get("k", String.class).value())
                    .isEqualTo("v");
            assertThat(cache.describe()).startsWith("redis-cluster 127.0.0.1:");
        }
    }
}
