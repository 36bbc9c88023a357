package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.CodecException;
import dev.cachekit.CorruptEntryException;
import dev.cachekit.Lookup;
import dev.cachekit.StoreException;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.RecordingStore.Op;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import dev.cachekit.spi.StoreCapabilities;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Bulk calls: getAll, putAll, removeAll")
class BulkTest {

    /** A class on no allow-list: the codec refuses to encode it. */
    record Unlisted(String name) implements Serializable {}

    private static final KeyLayout LAYOUT = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX);

    private final List<String> heard = new CopyOnWriteArrayList<>();
    private RecordingStore store;
    private Cache cache;

    @BeforeEach
    void open() {
        store = new RecordingStore();
        cache = Caches.builder()
                .backend(Backend.builder(store).build())
                .defaultTtl(Duration.ofMinutes(10))
                .nullTtl(Duration.ofMinutes(1))
                .listener(new CacheListener() {
                    @Override
                    public void read(String key, ReadResult result, Duration took) {
                        heard.add("read " + key + " " + result);
                    }

                    @Override
                    public void put(String key, Duration took) {
                        heard.add("put " + key);
                    }

                    @Override
                    public void removed(String key, Duration took) {
                        heard.add("removed " + key);
                    }
                })
                .build();
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private static List<String> keys(int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add("k" + i);
        }
        return keys;
    }

    @Nested
    @DisplayName("getAll")
    class GetAll {

        @Test
        @DisplayName("a repeated key is read once and answered once, in the order of its first appearance")
        void duplicates() {
            cache.put("a", "A");
            cache.put("b", "B");
            store.reset();
            heard.clear();

            Map<String, Lookup<String>> found = cache.getAll(List.of("b", "a", "b", "c", "a"), String.class);

            assertThat(found.keySet()).containsExactly("b", "a", "c");
            assertThat(found.get("b")).isEqualTo(Lookup.hit("B"));
            assertThat(found.get("c").isMiss()).isTrue();
            assertThat(store.calls())
                    .containsExactly(new RecordingStore.Call(
                            Op.GET_ALL, List.of(LAYOUT.entry("b"), LAYOUT.entry("a"), LAYOUT.entry("c")), -1));
            assertThat(heard).containsExactly("read b HIT", "read a HIT", "read c MISS");
        }

        @Test
        @DisplayName("an empty collection answers an empty map and sends nothing, through any view")
        void empty() {
            store.reset();
            assertThat(cache.getAll(List.of(), String.class)).isEmpty();
            assertThat(cache.tags("t").getAll(List.of(), String.class)).isEmpty();
            assertThat(store.calls()).isEmpty();
            assertThat(heard).isEmpty();
        }

        @Test
        @DisplayName("a null, empty or too long key among the keys fails the whole call before anything is sent")
        void badKeys() {
            store.reset();
            assertThatThrownBy(() -> cache.getAll(Arrays.asList("a", null, "b"), String.class))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("position 1");
            assertThatThrownBy(() -> cache.tags("t").getAll(List.of("a", ""), String.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty");
            assertThatThrownBy(() -> cache.getAll(null, String.class)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> cache.getAll(List.of("a"), null)).isInstanceOf(NullPointerException.class);
            assertThat(store.calls()).isEmpty();

            RecordingStore limited = new RecordingStore(
                    MemorySpace.createPrivate(),
                    new StoreCapabilities(Duration.ofMillis(1), 20, StoreCapabilities.UNLIMITED));
            try (Cache small =
                    Caches.builder().backend(Backend.builder(limited).build()).build()) {
                String tooLong = "x".repeat(30);
                assertThatThrownBy(() -> small.getAll(List.of("a", tooLong), String.class))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(tooLong);
                assertThatThrownBy(() -> small.removeAll(List.of("a", tooLong)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(tooLong);
                assertThatThrownBy(() -> small.putAll(Map.of("a", "A", tooLong, "B")))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(tooLong);
                assertThat(limited.calls()).isEmpty();
            }
        }

        @Test
        @DisplayName("the answer keeps the keys' order, whatever it is, in one multi-get")
        void order() {
            List<String> keys = keys(50);
            Collections.shuffle(keys, new Random(7));
            for (String key : keys.subList(0, 25)) {
                cache.put(key, "V" + key);
            }
            store.reset();

            Map<String, Lookup<String>> found = cache.getAll(keys, String.class);

            assertThat(found.keySet()).containsExactlyElementsOf(keys);
            for (String key : keys.subList(0, 25)) {
                assertThat(found.get(key)).isEqualTo(Lookup.hit("V" + key));
            }
            for (String key : keys.subList(25, 50)) {
                assertThat(found.get(key).isMiss()).isTrue();
            }
            assertThat(store.calls()).hasSize(1);
            assertThat(store.calls().get(0).op()).isEqualTo(Op.GET_ALL);
        }

        @Test
        @DisplayName("a miss, a cached null and a value are told apart key by key")
        void outcomes() {
            cache.put("value", "V");
            cache.put("null", null);
            heard.clear();

            Map<String, Lookup<String>> found = cache.getAll(List.of("value", "null", "miss"), String.class);

            assertThat(found.get("value")).isEqualTo(Lookup.hit("V"));
            assertThat(found.get("null").isCachedNull()).isTrue();
            assertThat(found.get("miss").isMiss()).isTrue();
            assertThat(heard).containsExactly("read value HIT", "read null CACHED_NULL", "read miss MISS");
        }

        @Test
        @DisplayName("entries and the view's tag versions come in one multi-get, whatever the number of keys")
        void taggedOneRoundTrip() {
            TaggedCache view = cache.tags("users", "page");
            for (String key : keys(101)) {
                view.put(key, key);
            }
            store.reset();

            Map<String, Lookup<String>> found = view.getAll(keys(101), String.class);

            assertThat(found.values()).allMatch(Lookup::isHit);
            assertThat(store.calls()).hasSize(1);
            assertThat(store.calls().get(0).keys()).hasSize(103).endsWith(LAYOUT.tag("page"), LAYOUT.tag("users"));
        }

        @Test
        @DisplayName("tags entries record and the view did not name cost one more multi-get for the whole batch")
        void extraTagsOneMoreRoundTrip() {
            TaggedCache view = cache.tags("users");
            List<String> keys = keys(50);
            for (int i = 0; i < keys.size(); i++) {
                // Every third entry records one of three tags the view does not name, the rest only "users".
                TaggedCache writer = i % 3 == 0 ? cache.tags("users", "group" + (i % 9 / 3)) : view;
                writer.put(keys.get(i), "V" + i);
            }
            store.reset();

            Map<String, Lookup<String>> found = view.getAll(keys, String.class);

            assertThat(found.values()).allMatch(Lookup::isHit);
            assertThat(store.calls(Op.GET_ALL)).hasSize(2);
            assertThat(store.calls()).hasSize(2);
            assertThat(store.calls().get(1).keys())
                    .containsExactlyInAnyOrder(LAYOUT.tag("group0"), LAYOUT.tag("group1"), LAYOUT.tag("group2"));

            // The untagged view fetches every recorded tag in that second multi-get, once.
            store.reset();
            assertThat(cache.getAll(keys, String.class).values()).allMatch(Lookup::isHit);
            assertThat(store.calls(Op.GET_ALL)).hasSize(2);
            assertThat(store.calls().get(1).keys())
                    .containsExactlyInAnyOrder(
                            LAYOUT.tag("users"), LAYOUT.tag("group0"), LAYOUT.tag("group1"), LAYOUT.tag("group2"));

            // A flush of a tag only some entries record makes those misses, the others stay.
            cache.tags("group1").flush();
            store.reset();
            Map<String, Lookup<String>> after = view.getAll(keys, String.class);
            for (int i = 0; i < keys.size(); i++) {
                boolean flushed = i % 3 == 0 && i % 9 / 3 == 1;
                assertThat(after.get(keys.get(i)).isMiss()).as(keys.get(i)).isEqualTo(flushed);
            }
            assertThat(store.calls(Op.GET_ALL)).hasSize(2);
        }

        @Test
        @DisplayName("a flush of the view's tag makes its entries misses, read in one round trip")
        void flushedTag() {
            TaggedCache view = cache.tags("users");
            view.putAll(Map.of("a", "A", "b", "B"));
            cache.put("c", "C");
            view.flush();
            store.reset();

            Map<String, Lookup<String>> found = cache.tags("users").getAll(List.of("a", "b", "c"), String.class);

            assertThat(found.get("a").isMiss()).isTrue();
            assertThat(found.get("b").isMiss()).isTrue();
            assertThat(found.get("c")).isEqualTo(Lookup.hit("C"));
            assertThat(store.calls()).hasSize(1);
        }

        @Test
        @DisplayName("a damaged entry among 50 fails the whole call naming its key, as get does")
        void corruptEntry() {
            List<String> keys = keys(50);
            for (String key : keys) {
                cache.put(key, key);
            }
            store.delegate().set(LAYOUT.entry("k17"), "no entry".getBytes(StandardCharsets.UTF_8), Store.NO_EXPIRY);

            assertThatThrownBy(() -> cache.getAll(keys, String.class))
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining(LAYOUT.entry("k17"));
            assertThatThrownBy(() -> cache.get("k17", String.class))
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining(LAYOUT.entry("k17"));
        }

        @Test
        @DisplayName("a store that answers a multi-get with fewer values fails the call, naming the store")
        void shortAnswer() {
            MemoryStore memory = new MemoryStore();
            Store dropsOne = new RecordingStore(memory) {
                @Override
                public List<byte[]> getAll(List<String> keys) {
                    List<byte[]> values = super.getAll(keys);
                    return values.subList(0, values.size() - 1);
                }
            };
            try (Cache broken =
                    Caches.builder().backend(Backend.builder(dropsOne).build()).build()) {
                assertThatThrownBy(() -> broken.getAll(List.of("a", "b"), String.class))
                        .hasMessageContaining("answered a multi-get of 2 keys with 1 values")
                        .hasMessageContaining(memory.describe());
            }
        }
    }

    @Test
    @DisplayName("a store error fails the bulk call and reaches the listener once, with no key")
    void storeErrorHeardOnce() {
        FailingStore failing = new FailingStore();
        List<String> errors = new CopyOnWriteArrayList<>();
        try (Cache broken = Caches.builder()
                .backend(Backend.builder(failing).build())
                .listener(new CacheListener() {
                    @Override
                    public void storeError(String operation, String key, StoreException error) {
                        errors.add(operation + " " + key);
                    }
                })
                .build()) {
            failing.down();
            assertThatThrownBy(() -> broken.getAll(keys(20), String.class)).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> broken.putAll(Map.of("a", "A", "b", "B"))).isInstanceOf(StoreException.class);
            assertThat(errors).containsExactly("getAll null", "putAll null");
        }
    }

    @Nested
    @DisplayName("putAll and removeAll")
    class Writes {

        @Test
        @DisplayName("a value the codec refuses fails the whole call naming its key, and nothing is read or written")
        void encodeFailureWritesNothing() {
            Map<String, Object> values = new LinkedHashMap<>();
            for (String key : keys(10)) {
                values.put(key, "V" + key);
            }
            values.put("bad", new Unlisted("x"));
            store.reset();

            assertThatThrownBy(() -> cache.tags("t").putAll(values))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("bad");
            assertThat(store.calls()).isEmpty();
            assertThat(cache.getAll(keys(10), String.class).values()).allMatch(Lookup::isMiss);
        }

        @Test
        @DisplayName("untagged: one multi-set; tagged: the tag versions read once, then one multi-set")
        void roundTrips() {
            Map<String, Object> values = new LinkedHashMap<>();
            for (String key : keys(20)) {
                values.put(key, "V" + key);
            }
            store.reset();
            cache.putAll(values);
            assertThat(store.calls()).hasSize(1);
            assertThat(store.calls().get(0).op()).isEqualTo(Op.SET_ALL);
            assertThat(store.calls().get(0).ttlMillis())
                    .isEqualTo(Duration.ofMinutes(10).toMillis());

            TaggedCache view = cache.tags("a", "b");
            view.flush(); // the tags exist: reading their versions creates nothing
            store.reset();
            view.putAll(values, Duration.ofSeconds(30));
            assertThat(store.calls()).extracting(RecordingStore.Call::op).containsExactly(Op.GET_ALL, Op.SET_ALL);
            assertThat(store.calls().get(1).ttlMillis()).isEqualTo(30_000);
        }

        @Test
        @DisplayName("with the default TTLs, null values go in a multi-set of their own with the null TTL")
        void nullsGetTheNullTtl() {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("a", "A");
            values.put("none1", null);
            values.put("b", "B");
            values.put("none2", null);
            store.reset();

            cache.putAll(values);

            assertThat(store.calls()).hasSize(2);
            Map<Long, List<String>> byTtl = new HashMap<>();
            store.calls().forEach(call -> byTtl.put(call.ttlMillis(), call.keys()));
            assertThat(byTtl.get(Duration.ofMinutes(10).toMillis()))
                    .containsExactly(LAYOUT.entry("a"), LAYOUT.entry("b"));
            assertThat(byTtl.get(Duration.ofMinutes(1).toMillis()))
                    .containsExactly(LAYOUT.entry("none1"), LAYOUT.entry("none2"));
            assertThat(cache.get("none1", String.class).isCachedNull()).isTrue();

            // An explicit TTL is every entry's, nulls included: one multi-set.
            store.reset();
            cache.putAll(values, Duration.ofSeconds(5));
            assertThat(store.calls()).hasSize(1);
            assertThat(store.calls().get(0).ttlMillis()).isEqualTo(5000);
        }

        @Test
        @DisplayName("entries written by putAll through one view are read by getAll through others, tags kept")
        void roundTripAcrossViews() {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("u1", "Ann");
            values.put("u2", null);
            values.put("u3", 3);
            cache.tags("users", "page:1").putAll(values);
            heard.clear();

            Map<String, Lookup<Object>> untagged = cache.getAll(List.of("u1", "u2", "u3"), Object.class);
            Map<String, Lookup<Object>> other = cache.tags("users", "other").getAll(List.of("u3", "u1"), Object.class);

            assertThat(untagged.get("u1")).isEqualTo(Lookup.hit("Ann"));
            assertThat(untagged.get("u2").isCachedNull()).isTrue();
            assertThat(untagged.get("u3")).isEqualTo(Lookup.hit(3));
            assertThat(other.keySet()).containsExactly("u3", "u1");
            assertThat(other.get("u1")).isEqualTo(Lookup.hit("Ann"));

            cache.tags("page:1").flush();
            assertThat(cache.getAll(List.of("u1", "u2", "u3"), Object.class).values())
                    .allMatch(Lookup::isMiss);
        }

        @Test
        @DisplayName("an empty map or collection sends nothing; a null key fails before anything is sent")
        void emptyAndNull() {
            store.reset();
            cache.putAll(Map.of());
            cache.tags("t").putAll(Map.of(), Duration.ofSeconds(1));
            cache.removeAll(List.of());
            assertThat(store.calls()).isEmpty();

            Map<String, Object> withNullKey = new HashMap<>();
            withNullKey.put("a", "A");
            withNullKey.put(null, "B");
            assertThatThrownBy(() -> cache.putAll(withNullKey)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> cache.removeAll(Arrays.asList("a", null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("position 1");
            assertThatThrownBy(() -> cache.putAll(Map.of("a", "A"), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(store.calls()).isEmpty();
            assertThat(heard).isEmpty();
        }

        @Test
        @DisplayName("removeAll deletes every distinct key in one multi-key delete, and each is heard")
        void removeAll() {
            cache.putAll(Map.of("a", "A", "b", "B", "c", "C"));
            store.reset();
            heard.clear();

            cache.removeAll(List.of("a", "b", "a", "absent"));

            assertThat(store.calls())
                    .containsExactly(new RecordingStore.Call(
                            Op.DELETE_ALL, List.of(LAYOUT.entry("a"), LAYOUT.entry("b"), LAYOUT.entry("absent")), -1));
            assertThat(heard).containsExactly("removed a", "removed b", "removed absent");
            Map<String, Lookup<String>> found = cache.getAll(List.of("a", "b", "c"), String.class);
            assertThat(found.get("a").isMiss()).isTrue();
            assertThat(found.get("b").isMiss()).isTrue();
            assertThat(found.get("c")).isEqualTo(Lookup.hit("C"));
        }

        @Test
        @DisplayName("the memory store's deleteAll counts the distinct keys that were present")
        void memoryDeleteAllCounts() {
            MemoryStore memory = store.delegate();
            memory.set("x", new byte[] {1}, Store.NO_EXPIRY);
            memory.set("y", new byte[] {2}, Store.NO_EXPIRY);
            assertThat(memory.deleteAll(List.of("x", "y", "x", "z"))).isEqualTo(2);
            assertThat(memory.get("x")).isNull();
            assertThat(memory.deleteAll(List.of())).isZero();
        }
    }
}
