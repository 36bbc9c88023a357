package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.StoreLocker;
import dev.cachekit.spi.StoreTagger;
import dev.cachekit.tck.ServerProcess;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("memcached:// URIs")
class MemcachedProviderTest {

    @Test
    @DisplayName("the provider is found by its scheme through the ServiceLoader")
    void foundByScheme() {
        assertThat(Caches.schemes()).containsKey("memcached");
        assertThat(Caches.schemes().get("memcached")).singleElement().isInstanceOf(MemcachedProvider.class);
    }

    @Test
    @DisplayName("a URI of two servers opens a store naming both, with the default tagger and a polling locker")
    void twoServers() {
        List<ServerProcess> pair = MemcachedServers.pair();
        try (Backend backend = Caches.backend(MemcachedServers.uri(pair, ""))) {
            assertThat(backend.store().describe())
                    .isEqualTo("memcached " + pair.get(0).address() + ","
                            + pair.get(1).address());
            assertThat(backend.tagger()).isInstanceOf(StoreTagger.class);
            assertThat(backend.locker()).isInstanceOf(StoreLocker.class);
            assertThat(backend.locker().signalsRelease()).isFalse();
        }
    }

    @Test
    @DisplayName("Cache.open takes the cache's and the provider's options together")
    void cacheAndProviderOptions() {
        String uri = MemcachedServers.uri(
                List.of(MemcachedServers.single()), "prefix=shop:&timeout=3s&maxItemSize=512k&maxReconnectDelay=5s");
        try (Cache cache = Caches.open(uri)) {
            cache.put("k", "v");
            assertThat(cache.get("k", String.class).value()).isEqualTo("v");
            assertThat(MemcachedFixture.single().rawGet("shop:e|k")).isNotNull();
        }
    }

    @Test
    @DisplayName("an unknown option is reported naming the accepted ones")
    void unknownOption() {
        String uri = MemcachedServers.uri(List.of(MemcachedServers.single()), "timeuot=3s");
        assertThatThrownBy(() -> Caches.open(uri))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("timeuot")
                .hasMessageContaining("maxItemSize")
                .hasMessageContaining("timeout");
    }

    @Test
    @DisplayName("malformed server lists are refused, naming the part and the form to write")
    void malformedServers() {
        for (String uri : List.of(
                "memcached:127.0.0.1:11211",
                "memcached://127.0.0.1:notaport",
                "memcached://127.0.0.1:70000",
                "memcached://127.0.0.1:11211,",
                "memcached://127.0.0.1:11211/path")) {
            assertThatThrownBy(() -> Caches.backend(uri))
                    .as(uri)
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("memcached://host:port");
        }
    }

    @Test
    @DisplayName("malformed options are refused naming the option")
    void malformedOptions() {
        String base = MemcachedServers.uri(List.of(MemcachedServers.single()), "");
        assertThatThrownBy(() -> Caches.backend(base + "?maxItemSize=big"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("maxItemSize=big")
                .hasMessageContaining("1m, 512k");
        for (String almost :
                List.of("512k%0A", "%20512k", "512K", "%EF%BC%95%EF%BC%91%EF%BC%92k", "%2B512k", "512%09k")) {
            assertThatThrownBy(() -> Caches.backend(base + "?maxItemSize=" + almost))
                    .as(almost)
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("option 'maxItemSize=")
                    .hasMessageContaining("1m, 512k")
                    .hasMessageNotContaining("\n")
                    .hasMessageNotContaining("\t");
        }
        assertThatThrownBy(() -> Caches.backend(base + "?maxItemSize=2048m"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("1024m");
        assertThatThrownBy(() -> Caches.backend(base + "?timeout=soon"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("timeout=soon");
        assertThatThrownBy(() -> Caches.backend(base + "?maxReconnectDelay=100ms"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("maxReconnectDelay");
    }

    @Test
    @DisplayName("user info without a password is refused without echoing anything secret")
    void userWithoutPassword() {
        assertThatThrownBy(() -> Caches.backend("memcached://alice@127.0.0.1:11211"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("user:password");
    }

    @Test
    @DisplayName("a server nobody listens on fails the open with a StoreException naming it")
    void unreachableServer() {
        int port = ServerProcess.freePort();
        assertThatThrownBy(() -> Caches.backend("memcached://127.0.0.1:" + port + "?timeout=300ms"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("127.0.0.1:" + port);
    }
}
