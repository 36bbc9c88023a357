package dev.cachekit.redis;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.internal.Durations;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.CacheProvider;
import dev.cachekit.spi.UriOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Opens the Redis backend from a URI:
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/db][?options]}: one standalone server
 *       (port 6379 and database 0 by default);
 *   <li>{@code rediss://...}: the same over TLS;
 *   <li>{@code redis-cluster://[user:password@]host:port,host:port[?options]}: a Redis Cluster,
 *       reached through any of the listed nodes;
 *   <li>{@code redis-sentinel://[user:password@]host:port[,host:port...]/master-name[?options]}:
 *       the master the listed sentinels (port 26379 by default) name, followed through failovers;
 *       the user information is the master's.
 * </ul>
 *
 * <p>User information without a colon is taken as the password alone ({@code redis://secret@host}),
 * and {@code :password} likewise; percent-escapes are decoded. Options:
 *
 * <ul>
 *   <li>{@code poolSize}: connections per server, default {@value #DEFAULT_POOL_SIZE}, at least 2
 *       (the lock-release subscriber keeps one);
 *   <li>{@code timeout}: connect and socket timeout, default 2s;
 *   <li>{@code connectTimeout}: the connect timeout alone, default {@code timeout};
 *   <li>{@code socketTimeout}: how long to wait for a reply, default {@code timeout};
 *   <li>{@code ssl}: {@code true} for TLS, default {@code true} for {@code rediss://} and {@code
 *       false} otherwise (the way to ask for TLS with {@code redis-cluster://} and {@code
 *       redis-sentinel://});
 *   <li>{@code tlsTrustStore}, {@code tlsTrustStorePassword}, {@code tlsKeyStore}, {@code
 *       tlsKeyStorePassword}, {@code tlsVerifyHostname}: a PKCS#12 or JKS file of the CAs to trust
 *       (default the runtime's), one with the client's key and certificate for mutual TLS, and
 *       whether the server's certificate must name the host (default {@code true});
 *   <li>{@code redis-sentinel://} only: {@code database} (default 0), {@code sentinelUser} and
 *       {@code sentinelPassword} (the sentinels' own credentials), {@code sentinelSsl} (default
 *       {@code ssl}).
 * </ul>
 *
 * <p>The Jedis on the class path must be 7.0 or newer (Spring Boot 4.0 manages 7.0.0); an older
 * one fails the open with a {@link CacheConfigurationException} naming the version found, the one
 * needed and the {@code jedis.version} property to set.
 *
 * <p>Opening pings the server (or reads the cluster's slot map), so a wrong address or password
 * fails at once with a {@link StoreException} naming the server.
 *
 * <p><b>During an outage</b> every call of the cache throws a {@link StoreException} naming the
 * server ({@code redis 10.0.0.5:6379 is unreachable: Connection refused; ...}): on a standalone
 * server after at most the connect timeout; on a cluster with every master down only after Jedis'
 * five attempts of up to the socket timeout each, as it tries other nodes first. Under the default
 * {@code onStoreError=fail}, {@code getOrLoad} throws it too, from its first read, <em>without</em>
 * calling the loader: an outage of the cache never turns into a stampede on the source. Under
 * {@code onStoreError=load} the loader runs once per key per JVM and its value is returned. Once the server is back, the
 * same cache works again without being rebuilt: the pool reconnects and the lock-release
 * subscriber subscribes again.
 */
public final class RedisProvider implements CacheProvider {

    /** The default number of pooled connections per server. */
    public static final int DEFAULT_POOL_SIZE = 16;

    /** The default connect and socket timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private static final int DEFAULT_PORT = 6379;
    private static final int SENTINEL_PORT = 26379;
    private static final String CLUSTER = "redis-cluster";
    private static final String SENTINEL = "redis-sentinel";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public RedisProvider() {}

    @Override
    public int apiVersion() {
        return API_VERSION;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", CLUSTER, SENTINEL);
    }

    @Override
    public Backend open(URI uri, UriOptions options) {
        JedisVersion.require();
        try {
            return openChecked(uri, options);
        } catch (LinkageError e) {
            throw JedisVersion.unsupported(e);
        }
    }

    private Backend openChecked(URI uri, UriOptions options) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        Shape shape = scheme.equals(CLUSTER) ? Shape.CLUSTER : scheme.equals(SENTINEL) ? Shape.SENTINEL : Shape.ONE;
        String shown = UriOptions.redact(uri);
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new CacheConfigurationException(shown + " names no server; write " + example(shape));
        }
        String userInfo = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
        }
        List<HostAndPort> nodes = nodes(authority, shown, shape);
        String master = shape == Shape.SENTINEL ? masterName(uri, shown) : null;
        int database =
                shape == Shape.SENTINEL ? options.takeInt("database", 0) : database(uri, shown, shape == Shape.CLUSTER);
        if (database < 0) {
            throw new CacheConfigurationException(
                    "option database=" + database + " in " + shown + " is not a database number (0, 1, ...)");
        }

        int poolSize = options.takeInt("poolSize", DEFAULT_POOL_SIZE);
        if (poolSize < 2) {
            throw new CacheConfigurationException("option poolSize=" + poolSize + " in " + shown
                    + " is too small: the lock-release subscriber keeps one connection; use 2 or more");
        }
        Duration timeout = clientTimeout(options, "timeout", DEFAULT_TIMEOUT);
        int connectMillis =
                (int) clientTimeout(options, "connectTimeout", timeout).toMillis();
        int socketMillis =
                (int) clientTimeout(options, "socketTimeout", timeout).toMillis();
        boolean ssl = options.takeBoolean("ssl", scheme.equals("rediss"));
        RedisTls tls = RedisTls.from(options, shown);
        if (!ssl && shape != Shape.SENTINEL && tls.configured()) {
            throw new CacheConfigurationException(shown + " has TLS options but TLS is off; write rediss:// (or"
                    + " ssl=true for redis-cluster://), or leave the tls... options out");
        }

        DefaultJedisClientConfig.Builder config =
                clientConfig(connectMillis, socketMillis, ssl, tls).database(database);
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : decode(userInfo.substring(0, colon), "user name", shown);
            String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1), "password", shown);
            if (!user.isEmpty()) {
                config.user(user);
            }
            config.password(password);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMinIdle(0);
        pool.setJmxEnabled(false);
        pool.setMaxWait(Duration.ofMillis((long) connectMillis + socketMillis));

        String servers = nodes.stream().map(HostAndPort::toString).collect(Collectors.joining(","));
        String description = switch (shape) {
            case ONE -> scheme + " " + servers + (database != 0 ? "/" + database : "");
            case CLUSTER -> scheme + " " + servers;
            case SENTINEL ->
                scheme + " " + Printable.escape(master) + " via " + servers + (database != 0 ? "/" + database : "");
        };
        JedisClient client;
        try {
            client = switch (shape) {
                case ONE -> JedisClient.standalone(nodes.get(0), config.build(), pool);
                case CLUSTER ->
                    JedisClient.cluster(
                            new LinkedHashSet<>(nodes), config.build(), pool, JedisCluster.DEFAULT_MAX_ATTEMPTS);
                case SENTINEL ->
                    JedisClient.sentinel(
                            master,
                            config.build(),
                            pool,
                            new LinkedHashSet<>(nodes),
                            sentinelConfig(options, connectMillis, socketMillis, ssl, tls));
            };
        } catch (JedisException e) {
            throw RedisStore.failure(description, e);
        }
        return RedisBackends.open(client, description, true, Duration.ofMillis((long) connectMillis + socketMillis));
    }

    private static DefaultJedisClientConfig.Builder clientConfig(
            int connectMillis, int socketMillis, boolean ssl, RedisTls tls) {
        DefaultJedisClientConfig.Builder config = JedisClient.configBuilder()
                .connectionTimeoutMillis(connectMillis)
                .socketTimeoutMillis(socketMillis)
                .ssl(ssl);
        if (ssl) {
            tls.apply(config);
        }
        return config;
    }

    /** The sentinels' own credentials and TLS, which need not be the master's. */
    private static DefaultJedisClientConfig sentinelConfig(
            UriOptions options, int connectMillis, int socketMillis, boolean ssl, RedisTls tls) {
        boolean sentinelSsl = options.takeBoolean("sentinelSsl", ssl);
        DefaultJedisClientConfig.Builder config = clientConfig(connectMillis, socketMillis, sentinelSsl, tls);
        options.take("sentinelUser").ifPresent(config::user);
        options.take("sentinelPassword").ifPresent(config::password);
        return config.build();
    }

    private static String masterName(URI uri, String shown) {
        String path = uri.getRawPath();
        String name = path == null || path.length() <= 1 ? "" : decode(path.substring(1), "master name", shown);
        if (name.isEmpty() || name.contains("/")) {
            throw new CacheConfigurationException(shown + " names no master ('" + Printable.escape(name)
                    + "'); write " + example(Shape.SENTINEL) + ", with the name from the sentinels' 'sentinel monitor'"
                    + " line, and the database as ?database=N");
        }
        return name;
    }

    private static List<HostAndPort> nodes(String authority, String shown, Shape shape) {
        List<HostAndPort> nodes = new ArrayList<>();
        for (String part : authority.split(",", -1)) {
            String host;
            String port = null;
            if (part.startsWith("[")) {
                int close = part.indexOf(']');
                if (close < 0) {
                    throw new CacheConfigurationException(
                            "'" + Printable.escape(part) + "' in " + shown + " is not a valid host");
                }
                host = part.substring(1, close);
                if (part.length() > close + 1) {
                    if (part.charAt(close + 1) != ':') {
                        throw new CacheConfigurationException(
                                "'" + Printable.escape(part) + "' in " + shown + " is not host:port");
                    }
                    port = part.substring(close + 2);
                }
            } else {
                int colon = part.lastIndexOf(':');
                host = colon < 0 ? part : part.substring(0, colon);
                port = colon < 0 ? null : part.substring(colon + 1);
            }
            if (host.isEmpty()) {
                throw new CacheConfigurationException(
                        "a server in " + shown + " has no host name; write " + example(shape));
            }
            nodes.add(new HostAndPort(host, port(port, shown, shape == Shape.SENTINEL ? SENTINEL_PORT : DEFAULT_PORT)));
        }
        if (shape == Shape.ONE && nodes.size() > 1) {
            throw new CacheConfigurationException(shown + " names " + nodes.size()
                    + " servers, but redis:// takes one; for a cluster write " + example(Shape.CLUSTER)
                    + ", for sentinels " + example(Shape.SENTINEL));
        }
        return nodes;
    }

    private static int port(String text, String shown, int defaultPort) {
        if (text == null || text.isEmpty()) {
            return defaultPort;
        }
        try {
            int port = UriOptions.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CacheConfigurationException(
                "port '" + Printable.escape(text) + "' in " + shown + " is not a port (1 to 65535)");
    }

    private static int database(URI uri, String shown, boolean clusterMode) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        if (clusterMode) {
            throw new CacheConfigurationException(shown
                    + " has a path, but a Redis Cluster has only database 0; remove '" + Printable.escape(path) + "'");
        }
        String db = path.substring(1);
        try {
            int database = UriOptions.parseInt(db);
            if (database >= 0) {
                return database;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CacheConfigurationException("'" + Printable.escape(path) + "' in " + shown
                + " is not a database number; write /0, /1, ... or leave it out");
    }

    private static Duration clientTimeout(UriOptions options, String name, Duration defaultValue) {
        return options.takeDuration(name, defaultValue, Duration.ofMillis(1), Durations.MAX_CLIENT_TIMEOUT);
    }

    private static String decode(String text, String what, String shown) {
        try {
            // Keep '+' literal: user information is percent-encoded, not form-encoded.
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the text it could not decode: a password, here.
            throw new CacheConfigurationException(
                    "the " + what + " in " + shown + " is not valid percent-encoding; escape '%' as %25");
        }
    }

    private static String example(Shape shape) {
        return switch (shape) {
            case ONE -> "redis://[user:password@]host[:port][/db][?options]";
            case CLUSTER -> "redis-cluster://host:port,host:port[?options]";
            case SENTINEL -> "redis-sentinel://[user:password@]host:port[,host:port...]/master-name[?options]";
        };
    }

    /** What a URI reaches. */
    private enum Shape {
        ONE,
        CLUSTER,
        SENTINEL
    }
}
