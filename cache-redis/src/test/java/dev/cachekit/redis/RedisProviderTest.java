package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;

/** Opening the backend from URIs and from a user's own client, and the errors bad input gets. */
class RedisProviderTest {

    private static ServerProcess secured;

    @BeforeAll
    static void startSecuredServer() {
        secured = RedisServers.startStandalone("--requirepass", "s3cret+pw");
    }

    @AfterAll
    static void stopSecuredServer() {
        secured.close();
    }

    @Nested
    @DisplayName("a URI")
    class Uris {

        @Test
        @DisplayName("with the right password opens a working cache")
        void rightPassword() {
            try (Cache cache = Caches.open("redis://:s3cret%2Bpw@" + secured.address())) {
                cache.put("k", "v");
                assertThat(cache.get("k", String.class).value()).isEqualTo("v");
                assertThat(cache.describe()).isEqualTo("redis " + secured.address());
            }
        }

        @Test
        @DisplayName("with user and password authenticates as that ACL user")
        void userAndPassword() {
            try (Cache cache = Caches.open("redis://default:s3cret%2Bpw@" + secured.address())) {
                cache.put("k", "v");
                assertThat(cache.get("k", String.class).value()).isEqualTo("v");
            }
        }

        @Test
        @DisplayName("with a database path writes into that database")
        void databasePath() {
            ServerProcess server = RedisServers.standalone();
            try (Cache cache = Caches.open("redis://" + server.address() + "/3?prefix=db-test:")) {
                cache.put("k", "v");
                assertThat(cache.describe()).isEqualTo("redis " + server.address() + "/3");
            }
            try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                assertThat(jedis.exists("db-test:e|k")).isFalse();
                jedis.select(3);
                assertThat(jedis.exists("db-test:e|k")).isTrue();
                jedis.del("db-test:e|k");
            }
        }

        @Test
        @DisplayName("with every option of the provider opens")
        void everyOption() {
            String uri = "redis://" + RedisServers.standalone().address()
                    + "?poolSize=4&timeout=1s&connectTimeout=300ms&socketTimeout=2s&ssl=false";
            try (Backend backend = Caches.backend(uri)) {
                backend.store().set("opt", "1".getBytes(StandardCharsets.US_ASCII), 1_000);
                assertThat(backend.store().get("opt")).isEqualTo("1".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    @Nested
    @DisplayName("bad input")
    class BadInput {

        @Test
        @DisplayName("a wrong password fails naming the server and the credentials")
        void wrongPassword() {
            assertThatThrownBy(() -> Caches.open("redis://:wrong@" + secured.address()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("redis " + secured.address() + " refused the credentials")
                    .hasMessageContaining("check the user and password")
                    .hasMessageNotContaining("wrong");
        }

        @Test
        @DisplayName("a missing password fails naming the server and the credentials")
        void missingPassword() {
            assertThatThrownBy(() -> Caches.open("redis://" + secured.address()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("redis " + secured.address() + " refused the credentials");
        }

        @Test
        @DisplayName("an unreachable server fails naming its address")
        void unreachable() {
            String address = "127.0.0.1:" + ServerProcess.freePort();
            assertThatThrownBy(() -> Caches.open("redis://" + address + "?timeout=500ms"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("redis " + address + " is unreachable")
                    .hasMessageContaining("Connection refused");
        }

        @Test
        @DisplayName("an unreachable cluster fails naming its addresses")
        void unreachableCluster() {
            String nodes = "127.0.0.1:" + ServerProcess.freePort() + ",127.0.0.1:" + ServerProcess.freePort();
            assertThatThrownBy(() -> Caches.open("redis-cluster://" + nodes + "?timeout=500ms"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("redis-cluster " + nodes + " is unreachable");
        }

        @Test
        @DisplayName("an unknown option fails naming it and the accepted ones")
        void unknownOption() {
            assertThatThrownBy(() ->
                            Caches.open("redis://" + RedisServers.standalone().address() + "?poolsize=4"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("unknown option [poolsize]")
                    .hasMessageContaining("poolSize")
                    .hasMessageContaining("socketTimeout");
        }

        @Test
        @DisplayName("rediss:// to a server without TLS fails naming the server instead of talking in clear")
        void tlsToPlainServer() {
            String address = RedisServers.standalone().address();
            assertThatThrownBy(() -> Caches.open("rediss://" + address + "?timeout=1s"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("rediss " + address);
        }

        @Test
        @DisplayName("a pool of one connection is refused: the subscriber needs one of its own")
        void poolTooSmall() {
            assertThatThrownBy(() -> Caches.open("redis://127.0.0.1:6390?poolSize=1"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("poolSize=1")
                    .hasMessageContaining("use 2 or more");
        }

        @Test
        @DisplayName("a malformed duration, port, database or host list is refused before connecting")
        void malformed() {
            assertThatThrownBy(() -> Caches.open("redis://127.0.0.1:6390?timeout=soon"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("timeout=soon");
            assertThatThrownBy(() -> Caches.open("redis://127.0.0.1:99999"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("port '99999'");
            assertThatThrownBy(() -> Caches.open("redis://127.0.0.1:6390/main"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("'/main'")
                    .hasMessageContaining("not a database number");
            // ASCII digits only: no sign, no fullwidth or other digits.
            for (String port : List.of("+6390", "\uff16\uff13\uff19\uff10")) {
                assertThatThrownBy(() -> Caches.open("redis://127.0.0.1:" + port))
                        .as(port)
                        .isInstanceOf(CacheConfigurationException.class)
                        .hasMessageContaining("is not a port");
            }
            for (String db : List.of("+1", "\uff11")) {
                assertThatThrownBy(() -> Caches.open("redis://127.0.0.1:6390/" + db))
                        .as(db)
                        .isInstanceOf(CacheConfigurationException.class)
                        .hasMessageContaining("not a database number");
            }
            assertThatThrownBy(() -> Caches.open("redis-cluster://127.0.0.1:7001/2"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("only database 0");
            assertThatThrownBy(() -> Caches.open("redis://127.0.0.1:7001,127.0.0.1:7002"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("redis-cluster://");
            assertThatThrownBy(() -> Caches.open("redis:///0"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("names no server");
        }
    }

    @Nested
    @DisplayName("a user's own client")
    class OwnClient {

        @Test
        @DisplayName("serves a cache and stays open when the cache is closed")
        void ownClientStaysOpen() {
            ServerProcess server = RedisServers.standalone();
            try (RedisClient jedis = RedisClient.create("127.0.0.1", server.port())) {
                try (Cache cache = Caches.builder()
                        .backend(RedisBackends.of(jedis))
                        .keyPrefix("own:")
                        .build()) {
                    cache.put("k", "v");
                    assertThat(cache.get("k", String.class).value()).isEqualTo("v");
                    assertThat(cache.describe()).isEqualTo("redis " + server.address());
                }
                assertThat(jedis.exists("own:e|k")).isTrue();
                jedis.del("own:e|k");
            }
        }

        @Test
        @DisplayName("may be a cluster client, whose nodes name the backend")
        void ownClusterClient() {
            List<ServerProcess> masters = RedisServers.cluster();
            Set<HostAndPort> nodes = new LinkedHashSet<>();
            masters.forEach(m -> nodes.add(new HostAndPort("127.0.0.1", m.port())));
            try (RedisClusterClient jedis = RedisClusterClient.create(nodes)) {
                try (Cache cache = Caches.builder()
                        .backend(RedisBackends.of(jedis))
                        .keyPrefix("own:")
                        .build()) {
                    TaggedCache tagged = cache.tags("a", "b", "c");
                    tagged.put("k", "v");
                    assertThat(tagged.get("k", String.class).value()).isEqualTo("v");
                    assertThat(cache.describe())
                            .startsWith("redis-cluster ")
                            .contains(masters.get(0).address());
                }
                assertThat(jedis.exists("own:e|k")).isTrue();
                jedis.del("own:e|k");
            }
        }

        @Test
        @DisplayName("whose server is down fails naming what it could learn of the client")
        void ownClientUnreachable() {
            try (RedisClient jedis = RedisClient.create("127.0.0.1", ServerProcess.freePort())) {
                assertThatThrownBy(() -> RedisBackends.of(jedis))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("is unreachable");
            }
        }
    }
}
