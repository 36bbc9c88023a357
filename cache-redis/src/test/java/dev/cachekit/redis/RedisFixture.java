package dev.cachekit.redis;

import dev.cachekit.internal.Providers;
import dev.cachekit.spi.Backend;
import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Reaches the test servers of {@link RedisServers} the way users do, through a URI and the
 * provider, with a raw Jedis client of its own for looking behind the cache's back.
 */
final class RedisFixture implements BackendFixture {

    private static RedisFixture standalone;
    private static RedisFixture cluster;

    private final String name;
    private final String uri;
    private final List<ServerProcess> masters;
    private final UnifiedJedis raw;

    private RedisFixture(String name, String uri, List<ServerProcess> masters, UnifiedJedis raw) {
        this.name = name;
        this.uri = uri;
        this.masters = masters;
        this.raw = raw;
    }

    /**
     * The fixture over the shared standalone server.
     *
     * @return the fixture
     */
    static synchronized RedisFixture standalone() {
        if (standalone == null) {
            ServerProcess server = RedisServers.standalone();
            standalone = new RedisFixture(
                    "redis standalone",
                    "redis://" + server.address() + "?socketTimeout=10s",
                    List.of(server),
                    RedisClient.create("127.0.0.1", server.port()));
        }
        return standalone;
    }

    /**
     * The fixture over the shared three-master cluster.
     *
     * @return the fixture
     */
    static synchronized RedisFixture cluster() {
        if (cluster == null) {
            List<ServerProcess> masters = RedisServers.cluster();
            String nodes = masters.stream().map(ServerProcess::address).collect(Collectors.joining(","));
            cluster = new RedisFixture(
                    "redis cluster",
                    "redis-cluster://" + nodes + "?socketTimeout=10s",
                    masters,
                    RedisClusterClient.create(masters.stream()
                            .map(m -> new HostAndPort("127.0.0.1", m.port()))
                            .collect(Collectors.<HostAndPort, Set<HostAndPort>>toCollection(LinkedHashSet::new))));
        }
        return cluster;
    }

    /**
     * The URI this fixture opens.
     *
     * @return the URI
     */
    String uri() {
        return uri;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Backend open() {
        return Providers.open(uri);
    }

    @Override
    public byte[] rawGet(String key) {
        return raw.get(key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void rawDelete(String key) {
        raw.del(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Deletes every key with a TTL on every master: SCAN, then PTTL, then DEL of those that have one. */
    @Override
    public void rawExpireKeysWithTtl() {
        for (ServerProcess master : masters) {
            try (Jedis jedis = new Jedis("127.0.0.1", master.port())) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1000));
                    for (String key : page.getResult()) {
                        if (jedis.pttl(key) > 0) {
                            jedis.del(key);
                        }
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }
    }

    @Override
    public void reset() {
        RedisServers.flushAll(masters);
    }
}
