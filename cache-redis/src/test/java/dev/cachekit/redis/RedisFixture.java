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

    private static final RedisFixture STANDALONE = new RedisFixture("redis standalone", false, false);
    private static final RedisFixture CLUSTER = new RedisFixture("redis cluster", true, false);
    private static final RedisFixture SENTINEL = new RedisFixture("redis sentinel", false, true);

    private final String name;
    private final boolean cluster;
    private final boolean sentinel;
    private String uri;
    private List<ServerProcess> masters;
    private UnifiedJedis raw;

    private RedisFixture(String name, boolean cluster, boolean sentinel) {
        this.name = name;
        this.cluster = cluster;
        this.sentinel = sentinel;
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
     * The fixture over the shared sentinel group (master, replica, three sentinels), started on
     * first use; its master is never killed.
     *
     * @return the fixture
     */
    static RedisFixture sentinel() {
        return SENTINEL;
    }

    /**
     * A fixture over a server a test class started, reached through {@code uri}, with an admin
     * client of its own for the raw hooks; the server is never stopped by the TCK.
     *
     * @param name the fixture's name
     * @param uri the URI the backend is opened from
     * @param server the server
     * @param raw a client that may read and delete every key
     * @return the fixture
     */
    static RedisFixture over(String name, String uri, ServerProcess server, UnifiedJedis raw) {
        RedisFixture fixture = new RedisFixture(name, false, true);
        fixture.uri = uri;
        fixture.masters = List.of(server);
        fixture.raw = raw;
        return fixture;
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
        RedisFixture fixture = started();
        if (!cluster) {
            expireKeysWithTtl(fixture.raw);
            return;
        }
        for (ServerProcess master : fixture.masters) {
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

    private static void expireKeysWithTtl(UnifiedJedis jedis) {
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

    @Override
    public void reset() {
        RedisFixture fixture = started();
        if (cluster) {
            RedisServers.flushAll(fixture.masters);
        } else {
            fixture.raw.flushAll();
        }
    }

    /**
     * Kills the standalone server and starts it again. Not the cluster's: with every master down,
     * each call of a cluster client gives up only after its five attempts of up to the socket
     * timeout (10 s here) each, so the outage tests would take most of an hour.
     */
    @Override
    public Optional<ServerControl> server() {
        return cluster || sentinel ? Optional.empty() : Optional.of(servers);
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

        @Override
        public void suspend() {
            started().masters.forEach(ServerProcess::suspend);
        }

        @Override
        public void resume() {
            started().masters.forEach(ServerProcess::resume);
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
                        // Generous timeout: the TCK stores values of hundreds of MiB.
                        JedisClient.configBuilder().socketTimeoutMillis(30_000).build(),
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
            } else if (sentinel) {
                RedisSentinelGroup group = RedisSentinelGroup.shared();
                masters = List.of(group.master());
                uri = group.uri() + "?socketTimeout=10s";
                raw = rawClient(group.master());
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
