package dev.cachekit.memcached;

import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreLocker;
import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.ServerControl;
import dev.cachekit.tck.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.spy.memcached.MemcachedClient;

/**
 * Reaches memcached servers the tests started: every {@link #open()} is a new client built from a
 * {@code memcached://} URI through the provider, and the raw hooks use a client of their own with
 * the same key mapping and hashing.
 */
final class MemcachedFixture implements BackendFixture {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static final MemcachedFixture SINGLE =
            new MemcachedFixture("memcached, one server", () -> List.of(MemcachedServers.single()));
    private static final MemcachedFixture PAIR =
            new MemcachedFixture("memcached, two servers (Ketama)", MemcachedServers::pair);

    private final String name;
    private final Supplier<List<ServerProcess>> start;
    private List<ServerProcess> servers;
    private String uri;
    private MemcachedClient raw;

    private MemcachedFixture(String name, Supplier<List<ServerProcess>> start) {
        this.name = name;
        this.start = start;
    }

    /**
     * The fixture over the shared single server, started on first use.
     *
     * @return the fixture
     */
    static MemcachedFixture single() {
        return SINGLE;
    }

    /**
     * The fixture over the shared pair of servers (Ketama), started on first use.
     *
     * @return the fixture
     */
    static MemcachedFixture pair() {
        return PAIR;
    }

    private synchronized List<ServerProcess> servers() {
        if (servers == null) {
            servers = start.get();
            // Reconnecting within a second of a restart keeps the outage tests short.
            uri = MemcachedServers.uri(servers, "timeout=" + TIMEOUT.toMillis() + "ms&maxReconnectDelay=1s");
        }
        return servers;
    }

    private synchronized String uri() {
        servers();
        return uri;
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
        try {
            return raw().asyncGet(MemcachedKeys.toMemcached(key), RawBytesTranscoder.INSTANCE)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("raw get of " + key + " failed", e);
        }
    }

    @Override
    public void rawDelete(String key) {
        try {
            raw().delete(MemcachedKeys.toMemcached(key)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("raw delete of " + key + " failed", e);
        }
    }

    /**
     * Deletes every item that has an expiry, on every server: {@code lru_crawler metadump all} lists
     * the items with their {@code exp} ({@code -1} for none), then a {@code delete} per item.
     */
    @Override
    public void rawExpireKeysWithTtl() {
        for (ServerProcess server : servers()) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout((int) TIMEOUT.toMillis() * 10);
                OutputStream out = socket.getOutputStream();
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                out.write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                List<String> expiring = new ArrayList<>();
                for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
                    if (line.startsWith("ERROR") || line.startsWith("CLIENT_ERROR") || line.startsWith("BUSY")) {
                        throw new IllegalStateException(server + " refused lru_crawler metadump: " + line);
                    }
                    String key = null;
                    String exp = null;
                    for (String field : line.split(" ")) {
                        if (field.startsWith("key=")) {
                            key = field.substring(4);
                        } else if (field.startsWith("exp=")) {
                            exp = field.substring(4);
                        }
                    }
                    if (key != null && exp != null && !exp.equals("-1")) {
                        expiring.add(URLDecoder.decode(key, StandardCharsets.UTF_8));
                    }
                }
                for (String key : expiring) {
                    out.write(("delete " + key + "\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    in.readLine();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not expire the items of " + server, e);
            }
        }
    }

    /** memcached's locker is the default one over its store: routed through the wrapper as it is. */
    @Override
    public Backend lockerOverStore(Backend opened, Store store) {
        return Backend.builder(store)
                .locker(new StoreLocker(store))
                .closeWith(opened)
                .build();
    }

    /** Asks each server ({@code mg KEY t}); memcached reports whole seconds. */
    @Override
    public Optional<Duration> rawTtl(String key) {
        for (ServerProcess server : servers()) {
            OptionalLong seconds = MetaCommands.secondsLeft(server, key);
            if (seconds.isPresent()) {
                return seconds.getAsLong() < 0
                        ? Optional.empty()
                        : Optional.of(Duration.ofSeconds(seconds.getAsLong()));
            }
        }
        return Optional.of(Duration.ZERO);
    }

    @Override
    public void reset() {
        try {
            if (!raw().flush().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("flush_all failed on " + servers());
            }
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("flush_all failed on " + servers(), e);
        }
    }

    /** Kills every server of the fixture (both of the pair) and starts them again. */
    @Override
    public Optional<ServerControl> server() {
        return Optional.of(control);
    }

    private final ServerControl control = new ServerControl() {
        @Override
        public List<String> addresses() {
            return servers().stream().map(ServerProcess::address).toList();
        }

        @Override
        public void stop() {
            servers().forEach(ServerProcess::kill);
        }

        @Override
        public void suspend() {
            servers().forEach(ServerProcess::suspend);
        }

        @Override
        public void resume() {
            servers().forEach(ServerProcess::resume);
        }

        /** The raw client would reconnect in its own time: a new one is opened on next use instead. */
        @Override
        public void start() {
            synchronized (MemcachedFixture.this) {
                servers().forEach(ServerProcess::restart);
                if (raw != null) {
                    raw.shutdown();
                    raw = null;
                }
            }
        }
    };

    @Override
    public String toString() {
        return name;
    }

    private synchronized MemcachedClient raw() {
        if (raw == null) {
            List<InetSocketAddress> addresses = servers().stream()
                    .map(s -> new InetSocketAddress("127.0.0.1", s.port()))
                    .toList();
            try {
                raw = new MemcachedClient(
                        MemcachedProvider.connectionFactory(
                                addresses.size(),
                                TIMEOUT,
                                MemcachedProvider.DEFAULT_MAX_RECONNECT_DELAY,
                                Optional.empty()),
                        addresses);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            new MemcachedStore(raw, false, MemcachedServers.ITEM_SIZE).awaitConnected(TIMEOUT, false);
        }
        return raw;
    }
}
