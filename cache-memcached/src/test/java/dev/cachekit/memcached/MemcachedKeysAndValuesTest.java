package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Keys and values memcached would refuse")
class MemcachedKeysAndValuesTest {

    private final MemcachedFixture fixture = MemcachedFixture.single();
    private Backend backend;
    private Store store;

    @BeforeEach
    void open() {
        fixture.reset();
        backend = fixture.open();
        store = backend.store();
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** Keys the cache accepts but memcached would refuse as they are. */
    private static List<String> awkwardKeys() {
        String stem = "s".repeat(250);
        return List.of(
                "k".repeat(251),
                "x".repeat(10 * 1024),
                "with spaces in it",
                "with\nnewlines\r\nin it",
                "tab\tand\u0000nul",
                "ключ-ü-✓-\uD83D\uDE00",
                stem + "first",
                stem + "second",
                "looks~like~a~mapped~key",
                MemcachedKeys.toMemcached("with spaces in it"));
    }

    @Nested
    @DisplayName("Keys")
    class Keys {

        @Test
        @DisplayName("keys of 251 bytes, 10 KB, with spaces, newlines, control and non-ASCII characters, and two"
                + " long keys sharing their first 250 bytes, are all stored and read back as distinct entries")
        void awkwardKeysAreDistinct() {
            List<String> keys = awkwardKeys();
            for (int i = 0; i < keys.size(); i++) {
                store.set(keys.get(i), value(i), Store.NO_EXPIRY);
            }
            for (int i = 0; i < keys.size(); i++) {
                assertThat(store.get(keys.get(i))).as("get of key #%d", i).isEqualTo(value(i));
            }
            List<byte[]> all = store.getAll(keys);
            for (int i = 0; i < keys.size(); i++) {
                assertThat(all.get(i)).as("multi-get of key #%d", i).isEqualTo(value(i));
            }
        }

        @Test
        @DisplayName("every operation works on a mapped key: add, compare-and-set, compare-and-delete, incr, delete")
        void everyOperationOnMappedKeys() {
            String key = "x".repeat(300) + " with space";
            assertThat(store.setIfAbsent(key, value(1), Store.NO_EXPIRY)).isTrue();
            assertThat(store.setIfAbsent(key, value(2), Store.NO_EXPIRY)).isFalse();
            assertThat(store.compareAndSet(key, value(1), value(3), Store.NO_EXPIRY))
                    .isTrue();
            assertThat(store.compareAndDelete(key, value(1))).isFalse();
            assertThat(store.compareAndDelete(key, value(3))).isTrue();
            assertThat(store.increment(key + ":fence")).isEqualTo(1);
            assertThat(store.increment(key + ":fence")).isEqualTo(2);
            assertThat(store.delete(key + ":fence")).isTrue();
            assertThat(store.get(key)).isNull();
        }

        @Test
        @DisplayName("through the cache, the awkward keys are distinct entries with and without tags")
        void awkwardKeysThroughTheCache() {
            try (Cache cache = Caches.builder().backend(fixture.open()).build()) {
                List<String> keys = awkwardKeys();
                for (int i = 0; i < keys.size(); i++) {
                    cache.put(keys.get(i), "plain-" + i);
                    // An entry's key does not depend on its tags, so the tagged entries need keys of their own.
                    cache.tags("a tag with spaces", "t".repeat(400)).put(keys.get(i) + " tagged", "tagged-" + i);
                }
                for (int i = 0; i < keys.size(); i++) {
                    assertThat(cache.get(keys.get(i), String.class).value()).isEqualTo("plain-" + i);
                    assertThat(cache.tags("t".repeat(400), "a tag with spaces")
                                    .get(keys.get(i) + " tagged", String.class)
                                    .value())
                            .isEqualTo("tagged-" + i);
                }
            }
        }
    }

    @Nested
    @DisplayName("Values")
    class Values {

        @Test
        @DisplayName("a value of the declared limit is stored under a 250-byte key (the longest unmapped key)")
        void valueAtTheLimit() {
            int limit = store.capabilities().maxValueBytes();
            assertThat(limit).isEqualTo(MemcachedServers.ITEM_SIZE - MemcachedStore.ITEM_OVERHEAD_BYTES);
            String key = "k".repeat(250);
            byte[] value = filled(limit, (byte) 7);
            store.set(key, value, Store.NO_EXPIRY);
            assertThat(store.get(key)).isEqualTo(value);
        }

        @Test
        @DisplayName("a value one byte over the limit is refused naming the key, the size and the limit,"
                + " and the previous value is still readable")
        void valueOverTheLimit() {
            int limit = store.capabilities().maxValueBytes();
            String key = "user:42";
            store.set(key, bytes("previous"), Store.NO_EXPIRY);
            assertThatThrownBy(() -> store.set(key, new byte[limit + 1], Store.NO_EXPIRY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'user:42'")
                    .hasMessageContaining((limit + 1) + " bytes")
                    .hasMessageContaining("limit of " + limit + " bytes")
                    .hasMessageContaining("maxItemSize")
                    .hasMessageContaining("nothing was written");
            assertThatThrownBy(() -> store.setIfAbsent("fresh", new byte[limit + 1], Store.NO_EXPIRY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'fresh'");
            assertThatThrownBy(() -> store.compareAndSet(key, bytes("previous"), new byte[limit + 1], 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'user:42'");
            assertThat(store.get(key)).isEqualTo(bytes("previous"));
            assertThat(store.get("fresh")).isNull();
        }

        @Test
        @DisplayName("a multi-set with one value over the limit writes none of its entries")
        void multiSetIsAllOrNothingOnSize() {
            int limit = store.capabilities().maxValueBytes();
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("a", bytes("A"));
            entries.put("too-big", new byte[limit + 1]);
            entries.put("b", bytes("B"));
            assertThatThrownBy(() -> store.setAll(entries, Store.NO_EXPIRY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'too-big'");
            assertThat(store.getAll(List.of("a", "too-big", "b"))).containsExactly(null, null, null);
        }

        @Test
        @DisplayName("through the cache, an entry too large is refused naming the key and the previous entry stays")
        void cacheRefusesTooLargeEntries() {
            try (Cache cache = Caches.builder().backend(fixture.open()).build()) {
                cache.put("report", "small");
                byte[] huge = new byte[MemcachedServers.ITEM_SIZE];
                assertThatThrownBy(() -> cache.put("report", huge))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("report")
                        .hasMessageContaining("nothing was written");
                assertThat(cache.get("report", String.class).value()).isEqualTo("small");
            }
        }

        @Test
        @DisplayName("maxItemSize follows the server's -I: a smaller limit refuses values the server would take")
        void configuredLimit() {
            ServerProcess server = MemcachedServers.single();
            try (Backend small = Caches.backend(MemcachedServers.uri(List.of(server), "maxItemSize=64k"))) {
                int limit = small.store().capabilities().maxValueBytes();
                assertThat(limit).isEqualTo(64 * 1024 - MemcachedStore.ITEM_OVERHEAD_BYTES);
                small.store().set("at-limit", new byte[limit], Store.NO_EXPIRY);
                assertThatThrownBy(() -> small.store().set("over", new byte[limit + 1], Store.NO_EXPIRY))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("limit of " + limit + " bytes");
                assertThat(small.store().get("at-limit")).hasSize(limit);
            }
        }

        @Test
        @DisplayName("a maxItemSize above the server's -I: the server's refusal is a StoreException naming the server"
                + " and the option to fix")
        void limitAboveTheServers() {
            ServerProcess server = MemcachedServers.single();
            try (Backend big = Caches.backend(MemcachedServers.uri(List.of(server), "maxItemSize=2m"))) {
                assertThatThrownBy(() -> big.store().set("big", new byte[1536 * 1024], Store.NO_EXPIRY))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining(server.address())
                        .hasMessageContaining("'big'")
                        .hasMessageContaining("set maxItemSize to the server's -I");
            }
        }
    }

    private static byte[] value(int i) {
        byte[] value = ("value-" + i + "-").getBytes(StandardCharsets.UTF_8);
        byte[] withEveryByte = Arrays.copyOf(value, value.length + 256);
        for (int b = 0; b < 256; b++) {
            withEveryByte[value.length + b] = (byte) b;
        }
        return withEveryByte;
    }

    private static byte[] filled(int length, byte seed) {
        byte[] value = new byte[length];
        for (int i = 0; i < length; i++) {
            value[i] = (byte) (i * 31 + seed);
        }
        return value;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
