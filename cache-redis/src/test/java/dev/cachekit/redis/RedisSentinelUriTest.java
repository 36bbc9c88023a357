package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/** {@code redis-sentinel://} URIs: the master's name, the database option, and bad input. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSentinelUriTest {

    @Test
    @DisplayName("the database option writes into that database of the master the sentinels name")
    void databaseOption() {
        RedisSentinelGroup group = RedisSentinelGroup.shared();
        try (Cache cache = Caches.open(group.uri() + "?database=4&prefix=sentinel-db:")) {
            cache.put("k", "v");
            assertThat(cache.describe())
                    .startsWith("redis-sentinel " + RedisSentinelGroup.MASTER_NAME + " via 127.0.0.1:")
                    .endsWith("/4");
        }
        try (Jedis jedis = new Jedis("127.0.0.1", group.master().port())) {
            jedis.select(4);
            assertThat(jedis.exists("sentinel-db:e|k")).isTrue();
            jedis.del("sentinel-db:e|k");
        }
    }

    @Test
    @DisplayName("a URI without the master's name is refused, saying where the name goes")
    void noMasterName() {
        assertThatThrownBy(() -> Caches.open("redis-sentinel://127.0.0.1:26379"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("names no master")
                .hasMessageContaining("redis-sentinel://[user:password@]host:port[,host:port...]/master-name");
    }

    @Test
    @DisplayName("a master the sentinels do not know fails the open naming it and the sentinels")
    void unknownMaster() {
        RedisSentinelGroup group = RedisSentinelGroup.shared();
        String uri = group.uri().replace(RedisSentinelGroup.MASTER_NAME, "no-such-master");
        assertThatThrownBy(() -> Caches.open(uri))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("redis-sentinel no-such-master via 127.0.0.1:");
    }

    @Test
    @DisplayName("sentinels that are not running fail the open at once, naming them, with a password hidden")
    void sentinelsDown() {
        int port = ServerProcess.freePort();
        assertThatThrownBy(() -> Caches.open(
                        "redis-sentinel://127.0.0.1:" + port + "/m?timeout=500ms&sentinelPassword=hidden-sentinel-pw"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("redis-sentinel m via 127.0.0.1:" + port)
                .hasMessageNotContaining("hidden-sentinel-pw");
    }
}
