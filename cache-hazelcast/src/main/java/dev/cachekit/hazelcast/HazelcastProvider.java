package dev.cachekit.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
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
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Opens the Hazelcast backend.
 *
 * <ul>
 *   <li>{@code hazelcast://embedded[?cluster=NAME&members=host:port,...&port=5701]} starts a member
 *       in this JVM. It joins the listed members over TCP/IP (never multicast); without {@code
 *       members} it joins whatever member of the same cluster listens on {@code 127.0.0.1}, ports
 *       {@code port} to {@code port + 2}, so several processes on one machine form one cluster.
 *   <li>{@code hazelcast://[user:password@]host:port[,host:port...][?cluster=NAME&connectTimeout=5s]}
 *       starts a client of a running cluster; {@code connectTimeout} (at most 24 days) bounds the
 *       whole open, even against a server that accepts the connection and never answers.
 * </ul>
 *
 * <p>Both take {@code cluster} (default {@value #DEFAULT_CLUSTER}) and {@code map} (default
 * {@value HazelcastBackends#DEFAULT_MAP}). Closing the backend shuts down the member or client it
 * started. For an instance of your own, use {@link HazelcastBackends#of}.
 */
public final class HazelcastProvider implements CacheProvider {

    /** The cluster name used when the URI gives none. */
    public static final String DEFAULT_CLUSTER = "cachekit";

    /** How long a client tries to reach the cluster when the URI gives no {@code connectTimeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Hazelcast's system property (and configuration property) that picks its logging. */
    static final String LOGGING_TYPE = "hazelcast.logging.type";

    private static final String EMBEDDED = "embedded";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public HazelcastProvider() {}

    @Override
    public int apiVersion() {
        return API_VERSION;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("hazelcast");
    }

    @Override
    public Backend open(URI uri, UriOptions options) {
        String shown = UriOptions.redact(uri);
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isBlank()) {
            throw new CacheConfigurationException(shown + " names no Hazelcast: write hazelcast://embedded"
                    + " for a member in this JVM or hazelcast://host:port[,host:port...] for a client");
        }
        String cluster = options.take("cluster", DEFAULT_CLUSTER);
        String map = options.take("map", HazelcastBackends.DEFAULT_MAP);
        if (cluster.isBlank() || map.isBlank()) {
            throw new CacheConfigurationException("options 'cluster' and 'map' of " + shown + " must not be empty");
        }
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? null : authority.substring(0, at);
        String hosts = authority.substring(at + 1);
        if (hosts.toLowerCase(Locale.ROOT).equals(EMBEDDED)) {
            if (userInfo != null) {
                throw new CacheConfigurationException(
                        shown + " gives credentials to an embedded member, which takes none; remove the user info");
            }
            return openMember(shown, options, cluster, map);
        }
        return openClient(shown, hosts, userInfo, options, cluster, map);
    }

    private static Backend openMember(String uri, UriOptions options, String cluster, String map) {
        List<HostPort> members = options.take("members")
                .map(m -> HostPort.parseList(m, "option 'members'", uri))
                .orElse(List.of());
        int port = options.takeInt("port", HostPort.DEFAULT_PORT);
        if (port < 1 || port + EmbeddedMember.PORT_COUNT - 1 > 65_535) {
            throw new CacheConfigurationException("option 'port=" + port + "' of " + uri + " is not a usable port"
                    + "; use 1 to " + (65_535 - EmbeddedMember.PORT_COUNT + 1));
        }
        HazelcastInstance member = EmbeddedMember.start(EmbeddedMember.config(cluster, port, members, map));
        return ownedBackend(member, map, EmbeddedMember.describe(member));
    }

    private static Backend openClient(
            String uri, String hosts, String userInfo, UriOptions options, String cluster, String map) {
        List<HostPort> addresses = HostPort.parseList(hosts, "address list", uri);
        Duration connectTimeout = options.takeDuration(
                "connectTimeout", DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(1), Durations.MAX_CLIENT_TIMEOUT);
        String shownAddresses = addresses.stream().map(HostPort::toString).collect(Collectors.joining(","));
        String shownCluster = Printable.quote(cluster);
        ClientConfig config = clientConfig(cluster, addresses, connectTimeout);
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon <= 0) {
                throw new CacheConfigurationException(
                        "the user info of " + uri + " must be user:password (both URL-encoded)");
            }
            config.getSecurityConfig()
                    .setUsernamePasswordIdentityConfig(
                            decode(userInfo.substring(0, colon), "user name", uri),
                            decode(userInfo.substring(colon + 1), "password", uri));
        }
        HazelcastInstance client;
        try {
            client = startClient(config, connectTimeout);
        } catch (RuntimeException e) {
            throw new StoreException(
                    "hazelcast client could not connect to cluster " + shownCluster + " at " + shownAddresses
                            + " within " + Durations.show(connectTimeout) + " ("
                            + Printable.escape(String.valueOf(e.getMessage()))
                            + "); check that a member listens there and that its cluster name is " + shownCluster
                            + ", or raise ?connectTimeout=",
                    e);
        }
        return ownedBackend(
                client, map, "hazelcast client -> " + shownAddresses + " (cluster " + Printable.escape(cluster) + ")");
    }

    /**
     * Starts a client, waiting at most {@code connectTimeout} (plus a second for the client's own
     * bookkeeping): the client bounds its retries by the timeout, but not a member that accepts the
     * connection and never answers. A client that starts after the wait is shut down at once.
     */
    private static HazelcastInstance startClient(ClientConfig config, Duration connectTimeout) {
        CompletableFuture<HazelcastInstance> started = new CompletableFuture<>();
        Thread starter = new Thread(
                () -> {
                    try {
                        started.complete(HazelcastClient.newHazelcastClient(config));
                    } catch (Throwable t) {
                        started.completeExceptionally(t);
                    }
                },
                "cachekit-hazelcast-client-start");
        starter.setDaemon(true);
        starter.start();
        try {
            return started.get(connectTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            started.thenAccept(HazelcastInstance::shutdown);
            starter.interrupt();
            throw new IllegalStateException("no answer from the cluster", e);
        } catch (InterruptedException e) {
            started.thenAccept(HazelcastInstance::shutdown);
            starter.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static String decode(String text, String what, String shown) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the text it could not decode: a password, here.
            throw new CacheConfigurationException(
                    "the " + what + " in " + shown + " is not valid percent-encoding; escape '%' as %25");
        }
    }

    /**
     * The configuration of a client of {@code cluster}: it gives up, and shuts down, when it cannot
     * reach any of {@code addresses} within {@code connectTimeout}, at start and after losing the
     * cluster.
     */
    static ClientConfig clientConfig(String cluster, List<HostPort> addresses, Duration connectTimeout) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        logThroughSlf4j(config::setProperty);
        config.getNetworkConfig()
                .setAddresses(addresses.stream().map(HostPort::toString).toList());
        config.getNetworkConfig().setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        config.getConnectionStrategyConfig()
                .getConnectionRetryConfig()
                .setClusterConnectTimeoutMillis(connectTimeout.toMillis());
        return config;
    }

    /**
     * Members and clients this provider starts log through SLF4J, like cachekit itself, unless the
     * application chose Hazelcast's logging with the system property {@value #LOGGING_TYPE}. Set on
     * the instance's configuration only: nothing JVM-wide.
     */
    static void logThroughSlf4j(BiConsumer<String, String> setProperty) {
        if (System.getProperty(LOGGING_TYPE) == null) {
            setProperty.accept(LOGGING_TYPE, "slf4j");
        }
    }

    private static Backend ownedBackend(HazelcastInstance instance, String map, String description) {
        try {
            return HazelcastBackends.builder(instance, map, description)
                    .closeWith(instance::shutdown)
                    .build();
        } catch (RuntimeException e) {
            instance.shutdown();
            throw e;
        }
    }
}
