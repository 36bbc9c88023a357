package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Store;
import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.BulkFuture;
import net.spy.memcached.internal.GetFuture;
import net.spy.memcached.transcoders.Transcoder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A store over the caller's own MemcachedClient")
class MemcachedClientTest {

    /** A real client that counts the calls the store makes through it. */
    static final class CountingClient extends MemcachedClient {
        final AtomicInteger bulkGets = new AtomicInteger();
        final AtomicInteger singleGets = new AtomicInteger();

        CountingClient(ConnectionFactory factory, List<InetSocketAddress> servers) throws IOException {
            super(factory, servers);
        }

        @Override
        public <T> BulkFuture<Map<String, T>> asyncGetBulk(Collection<String> keys, Transcoder<T> transcoder) {
            bulkGets.incrementAndGet();
            return super.asyncGetBulk(keys, transcoder);
        }

        @Override
        public <T> GetFuture<T> asyncGet(String key, Transcoder<T> transcoder) {
            singleGets.incrementAndGet();
            return super.asyncGet(key, transcoder);
        }
    }

    private static CountingClient client(List<ServerProcess> servers) throws IOException {
        List<InetSocketAddress> addresses = new ArrayList<>();
        servers.forEach(s -> addresses.add(new InetSocketAddress("127.0.0.1", s.port())));
        return new CountingClient(
                MemcachedProvider.connectionFactory(
                        addresses.size(),
                        Duration.ofSeconds(5),
                        MemcachedProvider.DEFAULT_MAX_RECONNECT_DELAY,
                        Optional.empty()),
                addresses);
    }

    @Test
    @DisplayName("a multi-get of 200 keys over two servers is one getBulk, with keys on both servers")
    void multiGetIsOneBulkGet() throws IOException {
        MemcachedFixture.pair().reset();
        CountingClient client = client(MemcachedServers.pair());
        try {
            MemcachedStore store = MemcachedStore.builder(client).build();
            List<String> keys = new ArrayList<>();
            Set<String> servers = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                String key = i % 2 == 0 ? "key-" + i : "key with space " + i;
                keys.add(key);
                servers.add(store.serverOf(key));
                store.set(key, bytes("v" + i), Store.NO_EXPIRY);
            }
            assertThat(servers).hasSize(2);
            List<byte[]> values = store.getAll(keys);
            assertThat(client.bulkGets).hasValue(1);
            assertThat(client.singleGets).hasValue(0);
            for (int i = 0; i < 200; i++) {
                assertThat(values.get(i)).isEqualTo(bytes("v" + i));
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    @DisplayName("a tagged read through the cache is one getBulk")
    void taggedReadIsOneBulkGet() throws IOException {
        MemcachedFixture.pair().reset();
        CountingClient client = client(MemcachedServers.pair());
        try (Cache cache =
                Caches.builder().store(MemcachedStore.builder(client).build()).build()) {
            cache.tags("users", "admins", "europe").put("user:1", "Ada");
            int before = client.bulkGets.get();
            int singleBefore = client.singleGets.get();
            assertThat(cache.tags("europe", "users", "admins")
                            .get("user:1", String.class)
                            .value())
                    .isEqualTo("Ada");
            assertThat(client.bulkGets.get() - before).isEqualTo(1);
            assertThat(client.singleGets.get() - singleBefore).isZero();
        } finally {
            client.shutdown();
        }
    }

    @Test
    @DisplayName("closing the store (and the cache over it) leaves the caller's client open")
    void callersClientStaysOpen() throws Exception {
        MemcachedFixture.single().reset();
        CountingClient client = client(List.of(MemcachedServers.single()));
        try {
            Cache cache = Caches.builder()
                    .store(MemcachedStore.builder(client)
                            .maxItemSize(512 * 1024)
                            .build())
                    .build();
            cache.put("k", "v");
            cache.close();
            assertThat(client.set("still-open", 0, "yes").get(5, TimeUnit.SECONDS))
                    .isTrue();
        } finally {
            client.shutdown();
        }
    }

    @Test
    @DisplayName("a client on the text protocol is refused at the first compare-and-delete, saying to use binary")
    void textProtocolClient() throws IOException {
        MemcachedFixture.single().reset();
        MemcachedClient client = new MemcachedClient(
                new ConnectionFactoryBuilder()
                        .setProtocol(ConnectionFactoryBuilder.Protocol.TEXT)
                        .build(),
                List.of(new InetSocketAddress(
                        "127.0.0.1", MemcachedServers.single().port())));
        try {
            MemcachedStore store = MemcachedStore.builder(client).build();
            store.set("k", bytes("v"), Store.NO_EXPIRY);
            assertThatThrownBy(() -> store.compareAndDelete("k", bytes("v")))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("binary protocol")
                    .hasMessageContaining(MemcachedServers.single().address());
        } finally {
            client.shutdown();
        }
    }

    @Test
    @DisplayName("maxItemSize out of memcached's range is refused, naming the range")
    void badItemSize() throws IOException {
        CountingClient client = client(List.of(MemcachedServers.single()));
        try {
            assertThatThrownBy(() -> MemcachedStore.builder(client).maxItemSize(100))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxItemSize")
                    .hasMessageContaining("1024m");
        } finally {
            client.shutdown();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
