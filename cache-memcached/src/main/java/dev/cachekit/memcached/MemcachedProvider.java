package dev.cachekit.memcached;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.internal.Durations;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.CacheProvider;
import dev.cachekit.spi.UriOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the memcached backend: {@code memcached://[user:password@]host:port[,host:port...][?options]}.
 *
 * <p>The client speaks the binary protocol; with several servers, keys are spread by Ketama
 * consistent hashing. A call for a key whose server is down fails at once ({@code
 * FailureMode.Cancel}) with a {@link StoreException} naming that server, until the client has
 * reconnected; keys are never moved to another server, so a server coming back never serves
 * values that were overwritten elsewhere meanwhile. The user and password, when given, log in with
 * SASL PLAIN (the servers must run with {@code -S}).
 *
 * <p>Options, with their defaults:
 *
 * <ul>
 *   <li>{@code timeout=2s}: how long each call waits for the server, and how long opening waits
 *       for every server to accept the connection;
 *   <li>{@code maxItemSize=1m}: the servers' item size limit, as given to memcached with {@code
 *       -I} ({@code 512k}, {@code 4m}, or bytes); values up to this less {@value
 *       MemcachedStore#ITEM_OVERHEAD_BYTES} bytes are accepted, larger ones refused with a clear
 *       error before anything is sent;
 *   <li>{@code maxReconnectDelay=30s}: the longest pause between attempts to reconnect to a lost
 *       server.
 * </ul>
 *
 * <p>memcached cannot signal a released lock, so lock waiters poll with jittered backoff.
 */
public final class MemcachedProvider implements CacheProvider {

    /** The port of a server given without one. */
    public static final int DEFAULT_PORT = 11211;

    /** Default for the {@code timeout} option. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    /** Default for the {@code maxReconnectDelay} option. */
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(30);

    /** spymemcached's choice of logger; this provider reads it and never sets it. */
    static final String CLIENT_LOGGER_PROPERTY = "net.spy.log.LoggerImpl";

    /** spymemcached's own adapter to SLF4J, the value that routes its log with cachekit's. */
    static final String CLIENT_SLF4J_LOGGER = "net.spy.memcached.compat.log.SLF4JLogger";

    private static final Logger LOG = LoggerFactory.getLogger(MemcachedProvider.class);

    private static final AtomicBoolean CLIENT_LOGGING_EXPLAINED = new AtomicBoolean();

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public MemcachedProvider() {}

    @Override
    public int apiVersion() {
        return API_VERSION;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("memcached", "memcacheds");
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code memcacheds://} (memcached over TLS) is refused with a {@link
     * CacheConfigurationException}: the memcached client this backend is built on, spymemcached,
     * speaks plain TCP only. The scheme is claimed so the refusal says why and what to do.
     */
    @Override
    public Backend open(URI uri, UriOptions options) {
        String shown = UriOptions.redact(uri);
        if ("memcacheds".equalsIgnoreCase(uri.getScheme())) {
            throw new CacheConfigurationException("memcached over TLS (" + shown + ") is not supported: the memcached"
                    + " client cachekit uses (spymemcached) speaks plain TCP only. Reach a TLS-only server through a"
                    + " local TLS tunnel (stunnel, a sidecar) and use memcached://127.0.0.1:<tunnel port>, with SASL"
                    + " credentials in the URI's user info if the server requires them");
        }
        List<InetSocketAddress> servers = servers(uri, shown);
        Optional<AuthDescriptor> auth = auth(uri, shown);
        Duration timeout =
                options.takeDuration("timeout", DEFAULT_TIMEOUT, Duration.ofMillis(1), Durations.MAX_CLIENT_TIMEOUT);
        int maxItemSize = itemSize(options.take("maxItemSize"), shown);
        Duration reconnect = options.takeDuration(
                "maxReconnectDelay", DEFAULT_MAX_RECONNECT_DELAY, Duration.ofSeconds(1), Durations.MAX_CLIENT_TIMEOUT);

        MemcachedClient client;
        try {
            client = new MemcachedClient(connectionFactory(servers.size(), timeout, reconnect, auth), servers);
        } catch (IOException | RuntimeException e) {
            throw new StoreException("could not start a memcached client for " + shown + ": " + e.getMessage(), e);
        }
        MemcachedStore store = new MemcachedStore(client, true, maxItemSize);
        try {
            store.awaitConnected(timeout, auth.isPresent());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return Backend.builder(store).build();
    }

    /**
     * The client settings this backend relies on: binary protocol (CAS on delete, any key bytes),
     * {@code FailureMode.Cancel} (a lost server's keys are never moved to another one) and, for
     * several servers, Ketama consistent hashing.
     */
    static ConnectionFactory connectionFactory(
            int servers, Duration timeout, Duration maxReconnectDelay, Optional<AuthDescriptor> auth) {
        explainClientLogging();
        ConnectionFactoryBuilder factory = new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setFailureMode(FailureMode.Cancel)
                .setOpTimeout(timeout.toMillis())
                .setMaxReconnectDelay(maxReconnectDelay.getSeconds())
                .setDaemon(true);
        if (servers > 1) {
            factory.setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                    .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH);
        }
        auth.ifPresent(factory::setAuthDescriptor);
        return factory.build();
    }

    /**
     * spymemcached picks its logger from a JVM-wide system property, read once, and otherwise prints
     * to standard error. A library must not set JVM-wide state, so the application chooses (one
     * {@code -D} flag); this says how, once per JVM, where the application's own logging shows it.
     */
    private static void explainClientLogging() {
        if (System.getProperty(CLIENT_LOGGER_PROPERTY) == null && CLIENT_LOGGING_EXPLAINED.compareAndSet(false, true)) {
            LOG.info(
                    "spymemcached writes its own log lines to standard error; start the JVM with -D{}={} to"
                            + " send them through SLF4J",
                    CLIENT_LOGGER_PROPERTY,
                    CLIENT_SLF4J_LOGGER);
        }
    }

    private static List<InetSocketAddress> servers(URI uri, String shown) {
        String authority = uri.getRawAuthority();
        String path = uri.getRawPath();
        if (authority == null || authority.isEmpty() || (path != null && !path.isEmpty() && !path.equals("/"))) {
            throw new CacheConfigurationException(
                    "'" + shown + "' is not a memcached URI; write memcached://host:port[,host:port...][?options]");
        }
        String hosts = authority.substring(authority.lastIndexOf('@') + 1);
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String server : hosts.split(",", -1)) {
            servers.add(server(server.trim(), shown));
        }
        return servers;
    }

    private static InetSocketAddress server(String server, String shown) {
        String host;
        String port = null;
        if (server.startsWith("[")) {
            int close = server.indexOf(']');
            if (close < 0) {
                throw badServer(server, shown);
            }
            host = server.substring(1, close);
            String rest = server.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw badServer(server, shown);
                }
                port = rest.substring(1);
            }
        } else {
            int colon = server.lastIndexOf(':');
            host = colon < 0 ? server : server.substring(0, colon);
            port = colon < 0 ? null : server.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains(":") && !server.startsWith("[")) {
            throw badServer(server, shown);
        }
        int portNumber = DEFAULT_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw badServer(server, shown);
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw badServer(server, shown);
            }
        }
        return new InetSocketAddress(host, portNumber);
    }

    private static CacheConfigurationException badServer(String server, String shown) {
        return new CacheConfigurationException("server '" + Printable.escape(server) + "' in " + shown
                + " is not host:port; write memcached://host:port[,host:port...], e.g. memcached://127.0.0.1:11211");
    }

    private static Optional<AuthDescriptor> auth(URI uri, String shown) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            String authority = uri.getRawAuthority();
            int at = authority == null ? -1 : authority.lastIndexOf('@');
            userInfo = at < 0 ? null : authority.substring(0, at);
        }
        if (userInfo == null) {
            return Optional.empty();
        }
        int colon = userInfo.indexOf(':');
        if (colon <= 0) {
            throw new CacheConfigurationException(
                    "the user info of " + shown + " must be user:password (both URL-encoded) for SASL");
        }
        String user = decode(userInfo.substring(0, colon), "user name", shown);
        String password = decode(userInfo.substring(colon + 1), "password", shown);
        // PLAIN, which every SASL-enabled memcached offers; the client does not negotiate, so
        // offering CRAM-MD5 first (as AuthDescriptor.typical does) fails on PLAIN-only servers.
        return Optional.of(new AuthDescriptor(new String[] {"PLAIN"}, new PlainCallbackHandler(user, password)));
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

    private static final java.util.regex.Pattern ITEM_SIZE = java.util.regex.Pattern.compile("([0-9]{1,10})([km]?)");

    /**
     * Parses an item size as memcached's {@code -I} takes it: bytes, or a number with {@code k} or
     * {@code m}, written exactly so (no spaces, ASCII digits, lower-case unit).
     */
    static int itemSize(Optional<String> option, String shown) {
        if (option.isEmpty()) {
            return MemcachedStore.DEFAULT_MAX_ITEM_SIZE;
        }
        // Exactly as written: ASCII digits and an optional k or m, no spaces or other digits.
        java.util.regex.Matcher size = ITEM_SIZE.matcher(option.get());
        try {
            if (!size.matches()) {
                throw new NumberFormatException();
            }
            long factor = size.group(2).isEmpty() ? 1 : size.group(2).equals("k") ? 1024 : 1024 * 1024;
            long bytes = Long.parseLong(size.group(1)) * factor;
            return MemcachedStore.checkItemSize(bytes > Integer.MAX_VALUE ? -1 : (int) bytes);
        } catch (NumberFormatException e) {
            throw new CacheConfigurationException("option 'maxItemSize=" + Printable.escape(option.get()) + "' in "
                    + shown + " is not a size; write it as memcached's -I: 1m, 512k or a number of bytes");
        } catch (IllegalArgumentException e) {
            throw new CacheConfigurationException(
                    "option 'maxItemSize=" + Printable.escape(option.get()) + "' in " + shown + ": " + e.getMessage());
        }
    }
}
