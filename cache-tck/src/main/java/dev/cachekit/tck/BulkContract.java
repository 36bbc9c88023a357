package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.TaggedCache;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of the bulk calls over a backend: {@code getAll} in one multi-get whatever the
 * number of keys (one more for tags the entries record and the view did not name, once for the
 * whole batch), {@code putAll} and {@code removeAll}, and the store's {@link Store#deleteAll} and
 * large multi-gets they stand on. Round trips are counted with {@link CountingStore}.
 */
public abstract class BulkContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected BulkContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    /** A class on no codec's allow-list. */
    record Unlisted(String name) implements Serializable {}

    /** Batch sizes around the common protocol limit of 100 keys. */
    private static final int[] SIZES = {1, 50, 101};

    private static List<String> keys(String stem, int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(stem + i);
        }
        return keys;
    }

    private static Map<String, Object> values(List<String> keys) {
        Map<String, Object> values = new LinkedHashMap<>();
        keys.forEach(key -> values.put(key, "V:" + key));
        return values;
    }

    @Nested
    class Reads {

        @Test
        @DisplayName("getAll of 1, 50 and 101 keys is one store call, untagged and through the entries' own tags")
        void oneRoundTrip() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            TaggedCache view = cache.tags("users", "page");
            for (int size : SIZES) {
                List<String> keys = keys("u" + size + ":", size);
                List<String> tagged = keys("t" + size + ":", size);
                // Every other key is written, so hits and misses are read in one call.
                for (int i = 0; i < size; i += 2) {
                    cache.put(keys.get(i), "V:" + keys.get(i));
                    view.put(tagged.get(i), "V:" + tagged.get(i));
                }

                counted.store().reset();
                Map<String, Lookup<String>> found = cache.getAll(keys, String.class);
                assertThat(counted.store().total())
                        .as("store calls of an untagged getAll of %d", size)
                        .isEqualTo(1);

                counted.store().reset();
                Map<String, Lookup<String>> foundTagged = view.getAll(tagged, String.class);
                assertThat(calls(counted.store()))
                        .as("store calls of a tagged getAll of %d", size)
                        .containsExactly(entry(CountingStore.Operation.GET_ALL, 1L));

                for (int i = 0; i < size; i++) {
                    boolean written = i % 2 == 0;
                    assertThat(found.get(keys.get(i)))
                            .as(keys.get(i))
                            .isEqualTo(written ? Lookup.hit("V:" + keys.get(i)) : Lookup.miss());
                    assertThat(foundTagged.get(tagged.get(i)))
                            .as(tagged.get(i))
                            .isEqualTo(written ? Lookup.hit("V:" + tagged.get(i)) : Lookup.miss());
                }
                assertThat(found.keySet()).containsExactlyElementsOf(keys);
            }
        }

        @Test
        @DisplayName(
                "entries recording tags the view did not name cost exactly one more multi-get, for the whole batch")
        void extraTagsOneMoreRoundTrip() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            TaggedCache view = cache.tags("users");
            List<String> keys = keys("k", 101);
            for (int i = 0; i < keys.size(); i++) {
                TaggedCache writer = i % 2 == 0 ? cache.tags("users", "group" + (i % 3)) : view;
                writer.put(keys.get(i), "V:" + keys.get(i));
            }

            counted.store().reset();
            Map<String, Lookup<String>> found = view.getAll(keys, String.class);
            assertThat(calls(counted.store())).containsExactly(entry(CountingStore.Operation.GET_ALL, 2L));
            assertThat(found.values()).allMatch(Lookup::isHit);

            counted.store().reset();
            assertThat(cache.getAll(keys, String.class).values()).allMatch(Lookup::isHit);
            assertThat(calls(counted.store()))
                    .as("the untagged view")
                    .containsExactly(entry(CountingStore.Operation.GET_ALL, 2L));

            cache.tags("group1").flush();
            counted.store().reset();
            Map<String, Lookup<String>> after = view.getAll(keys, String.class);
            assertThat(calls(counted.store())).containsExactly(entry(CountingStore.Operation.GET_ALL, 2L));
            for (int i = 0; i < keys.size(); i++) {
                boolean flushed = i % 2 == 0 && i % 3 == 1;
                assertThat(after.get(keys.get(i)).isMiss())
                        .as("%s after its tag group1 was flushed", keys.get(i))
                        .isEqualTo(flushed);
            }
        }

        @Test
        @DisplayName("a repeated key is answered once, in the order of first appearance; no keys send nothing")
        void duplicatesAndEmpty() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            cache.put("a", "A");
            cache.put("b", null);
            counted.store().reset();

            Map<String, Lookup<String>> found = cache.getAll(List.of("b", "c", "a", "b", "c"), String.class);

            assertThat(found.keySet()).containsExactly("b", "c", "a");
            assertThat(found.get("a")).isEqualTo(Lookup.hit("A"));
            assertThat(found.get("b").isCachedNull()).isTrue();
            assertThat(found.get("c").isMiss()).isTrue();
            assertThat(counted.store().total()).isEqualTo(1);

            counted.store().reset();
            assertThat(cache.getAll(List.of(), String.class)).isEmpty();
            assertThat(cache.tags("t").getAll(List.of(), String.class)).isEmpty();
            cache.putAll(Map.of());
            cache.removeAll(List.of());
            assertThat(counted.store().total()).isZero();
        }

        @Test
        @DisplayName("a null or empty key among the keys fails the whole call and nothing is sent")
        void badKeyNothingSent() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            counted.store().reset();
            assertThatThrownBy(() -> cache.getAll(Arrays.asList("a", null), String.class))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> cache.tags("t").getAll(List.of("a", ""), String.class))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.removeAll(Arrays.asList("a", null)))
                    .isInstanceOf(NullPointerException.class);
            assertThat(counted.store().total()).isZero();
        }

        @Test
        @DisplayName("entries written by one client are read by the other's getAll, values and nulls")
        void twoClients() {
            Cache first = cache(open());
            Cache second = cache(openSecond());
            List<String> keys = keys("x", 120);
            Map<String, Object> values = values(keys);
            values.put("none", null);
            first.tags("t").putAll(values);

            List<String> asked = new ArrayList<>(values.keySet());
            asked.add("absent");
            Map<String, Lookup<Object>> found = second.getAll(asked, Object.class);

            for (String key : keys) {
                assertThat(found.get(key)).as(key).isEqualTo(Lookup.hit("V:" + key));
            }
            assertThat(found.get("none").isCachedNull()).isTrue();
            assertThat(found.get("absent").isMiss()).isTrue();
        }
    }

    @Nested
    class Writes {

        @Test
        @DisplayName("putAll of 101 entries is one multi-set, read back whole by getAll")
        void putAllOneWrite() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            List<String> keys = keys("p", 101);
            counted.store().reset();

            cache.putAll(values(keys));

            assertThat(calls(counted.store())).containsExactly(entry(CountingStore.Operation.SET_ALL, 1L));
            Map<String, Lookup<String>> found = cache.getAll(keys, String.class);
            for (String key : keys) {
                assertThat(found.get(key)).as(key).isEqualTo(Lookup.hit("V:" + key));
            }
        }

        @Test
        @DisplayName("putAll with a TTL gives every entry that TTL in the store")
        void putAllTtl() {
            Cache cache = cache(open());
            List<String> keys = keys("ttl", 20);
            cache.putAll(values(keys), Duration.ofMinutes(5));
            for (String key : keys) {
                Optional<Duration> left;
                try {
                    left = backendFixture().rawTtl(KeyLayout.of(prefix()).entry(key));
                } catch (UnsupportedOperationException e) {
                    assumeCapability(false, "the fixture does not read TTLs back (BackendFixture.rawTtl)");
                    return;
                }
                assertThat(left).as(key).isPresent();
                assertThat(left.get())
                        .as(key)
                        .isGreaterThan(Duration.ofMinutes(4))
                        .isLessThanOrEqualTo(Duration.ofMinutes(5).plusSeconds(2));
            }
        }

        @Test
        @DisplayName("a value that cannot be encoded fails putAll naming its key, and nothing is written")
        void encodeFailureWritesNothing() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            Map<String, Object> values = values(keys("e", 30));
            values.put("refused", new Unlisted("x"));
            counted.store().reset();

            assertThatThrownBy(() -> cache.tags("t").putAll(values)).hasMessageContaining("refused");

            assertThat(counted.store().total()).isZero();
            assertThat(cache.getAll(keys("e", 30), String.class).values()).allMatch(Lookup::isMiss);
        }

        @Test
        @DisplayName("removeAll of 150 keys is one multi-key delete; every key is gone and the others stay")
        void removeAll() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            List<String> keys = keys("r", 150);
            cache.putAll(values(keys));
            cache.put("kept", "K");
            List<String> removed = new ArrayList<>(keys);
            removed.add(keys.get(0));
            removed.add("never-written");
            counted.store().reset();

            cache.removeAll(removed);

            assertThat(calls(counted.store())).containsExactly(entry(CountingStore.Operation.DELETE_ALL, 1L));
            assertThat(cache.getAll(keys, String.class).values()).allMatch(Lookup::isMiss);
            assertThat(cache.get("kept", String.class)).isEqualTo(Lookup.hit("K"));
        }
    }

    @Nested
    class StoreBatches {

        @Test
        @DisplayName("deleteAll answers how many distinct keys were present, and deletes every one of them")
        void deleteAllCounts() {
            Store store = open().store();
            store.set(key("a"), bytes("A"), Store.NO_EXPIRY);
            store.set(key("b"), bytes("B"), Store.NO_EXPIRY);
            store.set(key("c"), bytes("C"), Store.NO_EXPIRY);

            assertThat(store.deleteAll(List.of(key("b"), key("a"), key("b"), key("absent"))))
                    .isEqualTo(2);
            assertThat(store.get(key("a"))).isNull();
            assertThat(store.get(key("b"))).isNull();
            assertThat(store.get(key("c"))).isEqualTo(bytes("C"));
            assertThat(store.deleteAll(List.of(key("a"), key("b")))).isZero();
            assertThat(store.deleteAll(List.of())).isZero();
        }

        @Test
        @DisplayName("deleteAll of 250 keys deletes all 250, whatever the protocol's batch limit")
        void deleteAllLarge() {
            Store store = open().store();
            List<String> keys = new ArrayList<>();
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (int i = 0; i < 250; i++) {
                keys.add(key("d" + i));
                entries.put(key("d" + i), bytes("D" + i));
            }
            store.setAll(entries, Store.NO_EXPIRY);

            assertThat(store.deleteAll(keys)).isEqualTo(250);
            assertThat(store.getAll(keys)).hasSize(250).containsOnlyNulls();
        }

        @Test
        @DisplayName("a multi-get of 250 keys answers every value in order, the last ones too")
        void largeMultiGet() {
            Store store = open().store();
            List<String> keys = new ArrayList<>();
            Map<String, byte[]> entries = new LinkedHashMap<>();
            for (int i = 0; i < 250; i++) {
                keys.add(key("g" + i));
                if (i % 5 != 3) {
                    entries.put(key("g" + i), bytes("G" + i));
                }
            }
            store.setAll(entries, Store.NO_EXPIRY);

            List<byte[]> values = store.getAll(keys);

            assertThat(values).hasSize(250);
            for (int i = 0; i < 250; i++) {
                if (i % 5 == 3) {
                    assertThat(values.get(i)).as(keys.get(i)).isNull();
                } else {
                    assertThat(values.get(i)).as(keys.get(i)).isEqualTo(bytes("G" + i));
                }
            }
        }
    }
}
