package dev.cachekit.redis;

import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.ServerControl;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Reaches the test servers of {@link RedisServers} the way users do, through a URI and the
 * provider, with a raw Jedis client of its own for looking behind the cache's back.
 */
final class RedisFixture implements BackendFixture {

    private static final RedisFixture STANDALONE = new RedisFixture("redis standalone", false);
    private static final RedisFixture CLUSTER = new RedisFixture("redis cluster", true);

    private final String name;
    private final boolean cluster;
    private String uri;
    private List<ServerProcess> masters;
    private UnifiedJedis raw;

    private RedisFixture(String name, boolean cluster) {
        this.name = name;
        this.cluster = cluster;
    }

    /**
     * The fixture over the shared standalone server, started on first use.
     *
     * @return the fixture
     */
    static RedisFixture standalone() {
        return STANDALONE;
    }

    /**
     * The fixture over the shared three-master cluster, started on first use.
     *
     * @return the fixture
     */
    static RedisFixture cluster() {
        return CLUSTER;
    }

    /**
     * The URI this fixture opens.
     *
     * @return the URI
     */
    String uri() {
        return started().uri;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Backend open() {
        return Caches.backend(uri());
    }

    @Override
    public byte[] rawGet(String key) {
        return started().raw.get(key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void rawDelete(String key) {
        started().raw.del(key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Optional<Duration> rawTtl(String key) {
        long millis = started().raw.pttl(key.getBytes(StandardCharsets.UTF_8));
        if (millis == -1) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(Math.max(0, millis)));
    }

    /** Deletes every key with a TTL on every master: SCAN, then PTTL, then DEL of those that have one. */
    @Override
    public void rawExpireKeysWithTtl() {
        for (ServerProcess master : started().masters) {
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
        RedisServers.flushAll(started().masters);
    }

    /**
     * Kills the standalone server and starts it again. Not the cluster's: with every master down,
     * each call of a cluster client gives up only after its five attempts of up to the socket
     * timeout (10 s here) each, so the outage tests would take most of an hour.
     */
    @Override
    public Optional<ServerControl> server() {
        return cluster ? Optional.empty() : Optional.of(servers);
    }

    private final ServerControl servers = new ServerControl() {
        @Override
        public List<String> addresses() {
            return started().masters.stream().map(ServerProcess::address).toList();
        }

        @Override
        public void stop() {
            started().masters.forEach(ServerProcess::kill);
        }

        /** The raw client's pooled connections died with the server: it is opened again on next use. */
        @Override
        public void start() {
            synchronized (RedisFixture.this) {
                started().masters.forEach(ServerProcess::restart);
                raw.close();
                raw = null;
            }
        }
    };

    /**
     * A pooled client of one server, on a class both supported Jedis lines have ({@code
     * RedisClient} is Jedis 8 only): the Jedis-7 run of the TCK uses these fixtures too.
     *
     * @param server the server
     * @return the client
     */
    static UnifiedJedis rawClient(ServerProcess server) {
        return JedisClient.standalone(
                        new HostAndPort("127.0.0.1", server.port()),
                        DefaultJedisClientConfig.builder().build(),
                        new ConnectionPoolConfig())
                .commands();
    }

    private synchronized RedisFixture started() {
        if (raw == null) {
            if (cluster) {
                masters = RedisServers.cluster();
                String nodes = masters.stream().map(ServerProcess::address).collect(Collectors.joining(","));
                uri = "redis-cluster://" + nodes + "?socketTimeout=10s";
                raw = new JedisCluster(masters.stream()
                        .map(m -> new HostAndPort("127.0.0.1", m.port()))
                        .collect(Collectors.<HostAndPort, Set<HostAndPort>>toCollection(LinkedHashSet::new)));
            } else {
                ServerProcess server = RedisServers.standalone();
                masters = List.of(server);
                uri = "redis://" + server.address() + "?socketTimeout=10s";
                raw = rawClient(server);
            }
        }
        return this;
    }
}
