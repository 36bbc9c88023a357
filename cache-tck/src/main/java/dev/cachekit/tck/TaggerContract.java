package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cachekit.Cache;
import dev.cachekit.TaggedCache;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.StoreCapabilities;
import dev.cachekit.spi.Tagger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Tagger} and of tags as the cache uses them: flushing a tag removes the
 * entries carrying it and only those, whatever the order of tags; an old version never comes back,
 * even when a tag's key is evicted; a write that raced a flush stays invisible; and a flush costs the
 * same whatever the number of entries.
 *
 * <p>Tag versions and entries live where {@link KeyLayout} puts them
 * (see {@link Cache}); the tests delete those keys behind the cache's back to play eviction.
 */
public abstract class TaggerContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected TaggerContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    private String tagKey(String tag) {
        return KeyLayout.of(prefix()).tag(tag);
    }

    @Nested
    class Versions {

        @Test
        @DisplayName("a new tag gets a random version of at least 64 bits, returned again on the next call")
        void versionIsCreatedOnceAndKept() {
            Tagger tagger = open().tagger();
            List<byte[]> first = tagger.versions(List.of(key("t:a"), key("t:b")));
            assertThat(first).hasSize(2).doesNotContainNull();
            assertThat(first.get(0)).hasSizeGreaterThanOrEqualTo(8);
            assertThat(first.get(0)).isNotEqualTo(first.get(1));
            List<byte[]> again = tagger.versions(List.of(key("t:b"), key("t:a")));
            assertThat(again).containsExactly(first.get(1), first.get(0));
        }

        @Test
        @DisplayName("16 threads on two clients asking for the versions of the same new tags all get the same ones")
        void concurrentCreationAgrees() throws Exception {
            Tagger first = open().tagger();
            Tagger second = openSecond().tagger();
            for (int round = 0; round < 20; round++) {
                List<String> tags = List.of(key("t:x" + round), key("t:y" + round));
                List<List<byte[]>> seen = runConcurrently(16, t -> () -> (t % 2 == 0 ? first : second).versions(tags));
                Set<String> distinct = new HashSet<>();
                for (List<byte[]> versions : seen) {
                    distinct.add(Arrays.toString(versions.get(0)) + Arrays.toString(versions.get(1)));
                }
                assertThat(distinct).as("distinct answers in round %d", round).hasSize(1);
            }
        }

        @Test
        @DisplayName("flush gives a tag a new version, leaves other tags alone, and the other client sees it")
        void flushReplacesTheVersion() {
            Tagger first = open().tagger();
            Tagger second = openSecond().tagger();
            List<byte[]> before = first.versions(List.of(key("t:a"), key("t:b")));
            first.flush(List.of(key("t:a")));
            List<byte[]> after = second.versions(List.of(key("t:a"), key("t:b")));
            assertThat(after.get(0)).isNotEqualTo(before.get(0));
            assertThat(after.get(1)).isEqualTo(before.get(1));
            assertThat(first.versions(List.of(key("t:a")))).containsExactly(after.get(0));
        }

        @Test
        @DisplayName("a version is never used twice, even after the tag's key is deleted and created again")
        void versionsAreNeverReused() {
            Tagger tagger = open().tagger();
            String tag = key("t:reused");
            Set<String> seen = new HashSet<>();
            for (int life = 0; life < 5; life++) {
                assertThat(seen.add(
                                Arrays.toString(tagger.versions(List.of(tag)).get(0))))
                        .as("version after the tag key was created for the %d. time", life + 1)
                        .isTrue();
                for (int flush = 0; flush < 5; flush++) {
                    tagger.flush(List.of(tag));
                    assertThat(seen.add(Arrays.toString(
                                    tagger.versions(List.of(tag)).get(0))))
                            .as("version after flush %d", flush + 1)
                            .isTrue();
                }
                backendFixture().rawDelete(tag);
            }
        }

        @Test
        @DisplayName("versions of several tags, new and present mixed, answer each at its own position")
        void versionsOfSeveralTagsPresentAndNewAreInOrder() {
            Tagger tagger = open().tagger();
            byte[] b = tagger.versions(List.of(key("t:b"))).get(0);
            byte[] d = tagger.versions(List.of(key("t:d"))).get(0);
            List<String> mixed = List.of(key("t:a"), key("t:b"), key("t:c"), key("t:d"), key("t:e"));
            List<byte[]> versions = tagger.versions(mixed);
            assertThat(versions).hasSize(5).doesNotContainNull();
            assertThat(versions.get(1)).as("present tag t:b at position 1").isEqualTo(b);
            assertThat(versions.get(3)).as("present tag t:d at position 3").isEqualTo(d);
            Tagger other = openSecond().tagger();
            for (int i = 0; i < mixed.size(); i++) {
                assertThat(other.versions(List.of(mixed.get(i))).get(0))
                        .as("version of %s, asked alone on the other client", mixed.get(i))
                        .isEqualTo(versions.get(i));
            }
        }

        @Test
        @DisplayName("a flush of several tags in one call gives each of them a new version, distinct from each"
                + " other, leaves the other tags alone, and the other client sees every one")
        void flushOfSeveralTagsGivesEachANewVersion() {
            Tagger first = open().tagger();
            Tagger second = openSecond().tagger();
            List<String> all = List.of(key("t:a"), key("t:b"), key("t:c"), key("t:d"), key("t:e"));
            List<byte[]> before = first.versions(all);
            first.flush(List.of(key("t:e"), key("t:a"), key("t:c")));
            List<byte[]> after = second.versions(all);
            for (int i : List.of(0, 2, 4)) {
                assertThat(after.get(i)).as("version of flushed %s", all.get(i)).isNotEqualTo(before.get(i));
            }
            for (int i : List.of(1, 3)) {
                assertThat(after.get(i))
                        .as("version of %s, not flushed", all.get(i))
                        .isEqualTo(before.get(i));
            }
            Set<String> flushed = new HashSet<>();
            for (int i : List.of(0, 2, 4)) {
                flushed.add(Arrays.toString(after.get(i)));
            }
            assertThat(flushed).as("the new versions of the three flushed tags").hasSize(3);
            assertThat(first.versions(all)).containsExactlyElementsOf(after);
        }

        @Test
        @DisplayName("a version is at most 255 bytes and at least 8, even for a tag key of the longest length the"
                + " store accepts (10,000 bytes when it declares no limit), created or flushed")
        void versionIsAtMost255BytesForTheLongestTagKey() {
            Backend backend = open();
            int max = backend.store().capabilities().maxKeyBytes();
            int length = max == StoreCapabilities.UNLIMITED ? 10_000 : max;
            String base = key("t:long-");
            String longest = base + "t".repeat(length - bytes(base).length);
            assertThat(bytes(longest)).hasSize(length);
            Tagger tagger = backend.tagger();
            List<byte[]> created = tagger.versions(List.of(longest, key("t:short")));
            tagger.flush(List.of(longest));
            List<byte[]> flushed = tagger.versions(List.of(longest));
            for (byte[] version : List.of(created.get(0), created.get(1), flushed.get(0))) {
                assertThat(version.length).as("length of a version").isBetween(8, 255);
            }
            assertThat(flushed.get(0)).isNotEqualTo(created.get(0));
        }
    }

    @Nested
    class Invalidation {

        @Test
        @DisplayName("flushing one tag removes the entries carrying it and only those")
        void flushRemovesOnlyItsEntries() {
            Cache cache = cache(open());
            cache.tags("users").put("a", "A");
            cache.tags("orders").put("b", "B");
            cache.tags("users", "orders").put("c", "C");
            cache.put("d", "D");
            cache.tags("users").flush();
            assertThat(cache.tags("users").get("a", String.class).isMiss()).isTrue();
            assertThat(cache.tags("users", "orders").get("c", String.class).isMiss())
                    .isTrue();
            assertThat(cache.tags("orders").get("b", String.class).orElse(null)).isEqualTo("B");
            assertThat(cache.get("d", String.class).orElse(null)).isEqualTo("D");
        }

        @Test
        @DisplayName("a flush of several tags at once removes every entry carrying any of them, and only those")
        void flushOfSeveralTagsInvalidatesEveryEntryCarryingOne() {
            Cache cache = cache(open());
            Cache other = cache(openSecond());
            cache.tags("a").put("a", "A");
            cache.tags("b").put("b", "B");
            cache.tags("c").put("c", "C");
            cache.tags("b", "d").put("bd", "BD");
            cache.tags("d").put("d", "D");
            cache.put("plain", "P");
            other.tags("c", "a", "b").flush();
            for (String k : List.of("a", "b", "c", "bd")) {
                assertThat(cache.get(k, String.class).isMiss())
                        .as("entry %s after a flush of a, b and c", k)
                        .isTrue();
            }
            assertThat(cache.tags("d").get("d", String.class).orElse(null)).isEqualTo("D");
            assertThat(cache.get("plain", String.class).orElse(null)).isEqualTo("P");
        }

        @Test
        @DisplayName("the order of tags does not matter")
        void tagOrderDoesNotMatter() {
            Cache cache = cache(open());
            cache.tags("b", "a", "c").put("k", "V");
            assertThat(cache.tags("c", "a", "b").get("k", String.class).orElse(null))
                    .isEqualTo("V");
            assertThat(cache.tags(List.of("a", "c", "b")).get("k", String.class).orElse(null))
                    .isEqualTo("V");
            cache.tags("c").flush();
            assertThat(cache.tags("a", "b", "c").get("k", String.class).isMiss())
                    .isTrue();
        }

        @Test
        @DisplayName("with overlapping tag sets, a flush removes every set holding the tag and no other")
        void overlappingTagSets() {
            Cache cache = cache(open());
            TaggedCache xy = cache.tags("x", "y");
            TaggedCache yz = cache.tags("y", "z");
            xy.put("k1", "1");
            yz.put("k2", "2");
            cache.tags("x").flush();
            assertThat(xy.get("k1", String.class).isMiss()).isTrue();
            assertThat(yz.get("k2", String.class).orElse(null)).isEqualTo("2");
            xy.put("k1", "1 again");
            cache.tags("y").flush();
            assertThat(xy.get("k1", String.class).isMiss()).isTrue();
            assertThat(yz.get("k2", String.class).isMiss()).isTrue();
            xy.put("k1", "1 third");
            yz.put("k2", "2 again");
            cache.tags("z").flush();
            assertThat(xy.get("k1", String.class).orElse(null)).isEqualTo("1 third");
            assertThat(yz.get("k2", String.class).isMiss()).isTrue();
        }

        @Test
        @DisplayName("a read through another tag set, a subset, a superset or none finds the entry while every tag"
                + " it carries is current")
        void otherTagSetsReadTheEntry() {
            Cache cache = cache(open());
            cache.tags("a", "b").put("k", "tagged");
            cache.put("plain", "untagged");
            assertThat(cache.tags("a").get("k", String.class).orElse(null)).isEqualTo("tagged");
            assertThat(cache.tags("a", "b", "c").get("k", String.class).orElse(null))
                    .isEqualTo("tagged");
            assertThat(cache.tags("a", "c").get("k", String.class).orElse(null)).isEqualTo("tagged");
            assertThat(cache.get("k", String.class).orElse(null)).isEqualTo("tagged");
            assertThat(cache.tags("a").get("plain", String.class).orElse(null)).isEqualTo("untagged");
            cache.tags("c").flush();
            assertThat(cache.tags("a", "c").get("k", String.class).orElse(null)).isEqualTo("tagged");
            cache.tags("b").flush();
            assertThat(cache.tags("a").get("k", String.class).isMiss()).isTrue();
            assertThat(cache.get("k", String.class).isMiss()).isTrue();
        }

        @Test
        @DisplayName("an entry whose tag key was evicted is a miss, and stays one after new puts under that tag")
        void evictedTagNeverRevives() {
            Cache cache = cache(open());
            TaggedCache users = cache.tags("users");
            users.put("old", "stale");
            users.flush();
            backendFixture().rawDelete(tagKey("users"));
            assertThat(users.get("old", String.class).isMiss()).isTrue();
            for (int i = 0; i < 5; i++) {
                users.put("new" + i, "fresh");
                assertThat(users.get("old", String.class).isMiss())
                        .as("old entry after %d new puts under the recreated tag", i + 1)
                        .isTrue();
                backendFixture().rawDelete(tagKey("users"));
            }
            users.put("new", "fresh");
            assertThat(users.get("new", String.class).orElse(null)).isEqualTo("fresh");
        }

        @Test
        @DisplayName("a put that read the tag versions before a flush is invisible after the flush")
        void putRacingAFlushStaysInvisible() {
            Backend backend = open();
            Cache flusher = cache(openSecond());
            // The flush lands after the writer read the tag versions and before it writes.
            Tagger flushAfterReading = new Tagger() {
                @Override
                public List<byte[]> versions(List<String> tagKeys) {
                    List<byte[]> versions = backend.tagger().versions(tagKeys);
                    flusher.tags("users").flush();
                    return versions;
                }

                @Override
                public void flush(List<String> tagKeys) {
                    backend.tagger().flush(tagKeys);
                }
            };
            Cache writer = cache(Backend.builder(backend.store())
                    .tagger(flushAfterReading)
                    .locker(backend.locker())
                    .build());
            writer.tags("users").put("k", "written under the old version");
            assertThat(writer.tags("users").get("k", String.class).isMiss()).isTrue();
            assertThat(flusher.tags("users").get("k", String.class).isMiss()).isTrue();
            flusher.tags("users").put("k", "written after the flush");
            assertThat(writer.tags("users").get("k", String.class).orElse(null)).isEqualTo("written after the flush");
        }

        @Test
        @DisplayName("a flush by one client invalidates the entries for the other")
        void flushIsSeenByTheOtherClient() {
            Cache first = cache(open());
            Cache second = cache(openSecond());
            first.tags("users").put("k", "V");
            assertThat(second.tags("users").get("k", String.class).orElse(null)).isEqualTo("V");
            second.tags("users").flush();
            assertThat(first.tags("users").get("k", String.class).isMiss()).isTrue();
        }
    }

    @Nested
    class Cost {

        @Test
        @DisplayName("a tagged read is one multi-get of the entry and its tags, and an untagged read one get")
        void taggedReadIsOneRoundTrip() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            cache.tags("a", "b", "c").put("k", "V");
            cache.put("plain", "P");
            counted.store().reset();
            assertThat(cache.tags("a", "b", "c").get("k", String.class).orElse(null))
                    .isEqualTo("V");
            assertThat(calls(counted.store())).containsExactly(entry(CountingStore.Operation.GET_ALL, 1L));
            counted.store().reset();
            assertThat(cache.get("plain", String.class).orElse(null)).isEqualTo("P");
            assertThat(calls(counted.store())).containsExactly(entry(CountingStore.Operation.GET, 1L));
        }

        @Test
        @DisplayName("a flush of five tags costs the same store calls as a flush of one: one multi-set")
        void flushOfSeveralTagsIsOneMultiSet() {
            Counted counted = openCounted();
            Tagger tagger = counted.backend().tagger();
            List<String> five = List.of(key("t:a"), key("t:b"), key("t:c"), key("t:d"), key("t:e"));
            tagger.versions(five);
            counted.store().reset();
            tagger.flush(List.of(key("t:z")));
            Map<CountingStore.Operation, Long> one = calls(counted.store());
            counted.store().reset();
            tagger.flush(five);
            Map<CountingStore.Operation, Long> several = calls(counted.store());
            assumeTrue(
                    !one.isEmpty() || !several.isEmpty(),
                    "the tagger " + tagger.getClass().getName()
                            + " makes no calls through the Store, so its flush cannot be counted;"
                            + " override BackendFixture.overStore to build it over the TCK's store");
            assertThat(several).as("store calls of a flush of five tags").isEqualTo(one);
            assertThat(several.values().stream().mapToLong(Long::longValue).sum())
                    .as("store calls of a flush")
                    .isEqualTo(1);
        }

        @Test
        @DisplayName("a flush costs the same store calls with 10,000 tagged entries as with 1")
        void flushCostDoesNotGrowWithEntries() {
            Counted counted = openCounted();
            Cache cache = cache(counted.backend());
            cache.tags("one").put("only", "1");
            TaggedCache many = cache.tags("many");
            for (int i = 0; i < 10_000; i++) {
                many.put("e" + i, "v");
            }
            counted.store().reset();
            cache.tags("one").flush();
            Map<CountingStore.Operation, Long> oneEntry = calls(counted.store());
            counted.store().reset();
            many.flush();
            Map<CountingStore.Operation, Long> tenThousand = calls(counted.store());
            assumeTrue(
                    !oneEntry.isEmpty() || !tenThousand.isEmpty(),
                    "the tagger " + counted.backend().tagger().getClass().getName()
                            + " makes no calls through the Store, so its flush cannot be counted;"
                            + " override BackendFixture.overStore to build it over the TCK's store");
            assertThat(tenThousand)
                    .as("store calls of a flush over 10,000 entries")
                    .isEqualTo(oneEntry);
            assertThat(cache.tags("one").get("only", String.class).isMiss()).isTrue();
            List<Integer> sample = new ArrayList<>();
            for (int i = 0; i < 10_000; i += 97) {
                sample.add(i);
            }
            for (int i : sample) {
                assertThat(many.get("e" + i, String.class).isMiss())
                        .as("entry e%d", i)
                        .isTrue();
            }
        }
    }
}
