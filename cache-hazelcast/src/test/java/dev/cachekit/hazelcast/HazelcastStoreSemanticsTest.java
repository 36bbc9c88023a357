package dev.cachekit.hazelcast;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.cachekit.CorruptEntryException;
import dev.cachekit.StoreException;
import dev.cachekit.spi.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the store relies on in Hazelcast itself, checked on a real two-member cluster: byte arrays
 * compare by content, millisecond TTLs are honoured, a TTL of 0 never expires, entry processors
 * are atomic across members.
 */
@DisplayName("The Hazelcast store")
class HazelcastStoreSemanticsTest {

    private static TestCluster cluster;
    private static HazelcastStore onFirst;
    private static HazelcastStore onSecond;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(2);
        onFirst = store(cluster.member(0));
        onSecond = store(cluster.member(1));
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void clear() {
        cluster.map().clear();
    }

    private static HazelcastStore store(HazelcastInstance member) {
        return new HazelcastStore(member, HazelcastBackends.DEFAULT_MAP, EmbeddedMember.describe(member));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(US_ASCII);
    }

    @Test
    @DisplayName("compare-and-delete matches an equal copy of the stored bytes, not the same array")
    void compareAndDeleteComparesContent() {
        onFirst.set("k", bytes("token-1"), Store.NO_EXPIRY);

        assertThat(onSecond.compareAndDelete("k", bytes("token-2"))).isFalse();
        assertThat(onSecond.get("k")).isEqualTo(bytes("token-1"));
        assertThat(onSecond.compareAndDelete("k", bytes("token-1"))).isTrue();
        assertThat(onFirst.get("k")).isNull();
    }

    @Test
    @DisplayName("compare-and-set matches content and replaces the value only on a match")
    void compareAndSetComparesContent() {
        onFirst.set("k", bytes("a"), Store.NO_EXPIRY);

        assertThat(onSecond.compareAndSet("k", bytes("b"), bytes("c"), Store.NO_EXPIRY))
                .isFalse();
        assertThat(onSecond.compareAndSet("absent", bytes("a"), bytes("c"), Store.NO_EXPIRY))
                .isFalse();
        assertThat(onSecond.compareAndSet("k", bytes("a"), bytes("c"), Store.NO_EXPIRY))
                .isTrue();
        assertThat(onFirst.get("k")).isEqualTo(bytes("c"));
        assertThat(onFirst.get("absent")).isNull();
    }

    @Test
    @DisplayName("declares whole seconds as its TTL granularity")
    void declaresSecondGranularity() {
        assertThat(onFirst.capabilities().ttlGranularity()).hasSeconds(1);
        assertThat(onFirst.capabilities().subSecondTtl()).isFalse();
    }

    @Test
    @DisplayName("an entry is never cut short of its TTL, although Hazelcast rounds expiry times down to seconds")
    void ttlIsNeverCutShort() throws InterruptedException {
        // Writes spread over more than a second hit every sub-second phase of Hazelcast's clock;
        // each entry is read back about half its TTL after it was written. A read that ends a full
        // TTL after its write (a stalled test thread) proves nothing and is not counted.
        int lookBack = 10;
        long ttlNanos = TimeUnit.MILLISECONDS.toNanos(1000);
        List<Long> writtenAt = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (int i = 0; checked < 14 && i < 400; i++) {
            writtenAt.add(System.nanoTime());
            onFirst.set("ttl-" + i, bytes("v"), 1000);
            if (i >= lookBack) {
                String key = "ttl-" + (i - lookBack);
                boolean found = onSecond.get(key) != null;
                if (System.nanoTime() - writtenAt.get(i - lookBack) < ttlNanos) {
                    checked++;
                    if (!found) {
                        missing.add(key);
                    }
                }
            }
            Thread.sleep(50);
        }
        assertThat(checked).as("reads made within the TTL").isEqualTo(14);
        assertThat(missing).as("entries gone before their 1 s TTL").isEmpty();
    }

    @Test
    @DisplayName("entries expire within two seconds after their TTL, sub-second TTLs included")
    void entriesExpire() throws InterruptedException {
        onFirst.set("short", bytes("v"), 300);
        onFirst.setIfAbsent("short-nx", bytes("v"), 300);
        onFirst.setAll(Map.of("short-all", bytes("v")), 1000);
        assertThat(onSecond.getAll(List.of("short", "short-nx", "short-all"))).doesNotContainNull();

        Thread.sleep(3200);

        assertThat(onSecond.getAll(List.of("short", "short-nx", "short-all"))).containsOnlyNulls();
    }

    @Test
    @DisplayName("a TTL of a year keeps the entry")
    void longTtlKeepsEntry() {
        onFirst.set("year", bytes("v"), Duration.ofDays(365).toMillis());
        onFirst.set("centuries", bytes("v"), Duration.ofDays(365L * 300).toMillis());

        assertThat(onSecond.getAll(List.of("year", "centuries"))).containsExactly(bytes("v"), bytes("v"));
    }

    @Test
    @DisplayName("compare-and-set gives the entry its new TTL: a short one expires, NO_EXPIRY clears the old one")
    void compareAndSetSetsTtl() throws InterruptedException {
        onFirst.set("to-short", bytes("a"), Store.NO_EXPIRY);
        onFirst.set("to-forever", bytes("a"), 1000);

        assertThat(onSecond.compareAndSet("to-short", bytes("a"), bytes("b"), 1000))
                .isTrue();
        assertThat(onSecond.compareAndSet("to-forever", bytes("a"), bytes("b"), Store.NO_EXPIRY))
                .isTrue();
        Thread.sleep(3200);

        assertThat(onFirst.get("to-short")).isNull();
        assertThat(onFirst.get("to-forever")).isEqualTo(bytes("b"));
    }

    @Test
    @DisplayName("a TTL of NO_EXPIRY keeps the entry although the map's configuration has a default TTL")
    void noExpiryIsForever() throws InterruptedException {
        cluster.member(0).getConfig().addMapConfig(new MapConfig("one-second-default").setTimeToLiveSeconds(1));
        HazelcastStore store = new HazelcastStore(cluster.member(0), "one-second-default", "test store");
        store.set("forever", bytes("v"), Store.NO_EXPIRY);
        store.setIfAbsent("forever-nx", bytes("v"), Store.NO_EXPIRY);
        store.setAll(Map.of("forever-all", bytes("v")), Store.NO_EXPIRY);
        cluster.member(1).getMap("one-second-default").put("config-ttl", bytes("v"));
        Thread.sleep(2500);

        assertThat(cluster.member(1).getMap("one-second-default").get("config-ttl"))
                .as("the map's own TTL applies to a plain put")
                .isNull();

        assertThat(new HazelcastStore(cluster.member(1), "one-second-default", "test store")
                        .getAll(List.of("forever", "forever-nx", "forever-all")))
                .containsExactly(bytes("v"), bytes("v"), bytes("v"));
    }

    @Test
    @DisplayName("getAll answers by position, with null for absent keys and repeated keys repeated")
    void getAllIsPositional() {
        onFirst.setAll(Map.of("a", bytes("1"), "b", bytes("2")), Store.NO_EXPIRY);

        List<byte[]> values = onSecond.getAll(List.of("b", "missing", "a", "b"));

        assertThat(values).hasSize(4);
        assertThat(values.get(0)).isEqualTo(bytes("2"));
        assertThat(values.get(1)).isNull();
        assertThat(values.get(2)).isEqualTo(bytes("1"));
        assertThat(values.get(3)).isEqualTo(bytes("2"));
    }

    @Test
    @DisplayName("increments from two members on one counter are counted exactly")
    void incrementIsAtomicAcrossMembers() throws Exception {
        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<Long>>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                HazelcastStore store = t % 2 == 0 ? onFirst : onSecond;
                work.add(() -> {
                    List<Long> seen = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        seen.add(store.increment("counter"));
                    }
                    return seen;
                });
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> done : pool.invokeAll(work)) {
                all.addAll(done.get());
            }

            assertThat(all).doesNotHaveDuplicates().hasSize(threads * perThread);
            assertThat(onFirst.get("counter")).isEqualTo(bytes(Long.toString(threads * perThread)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("incrementing a key that holds no number fails naming the key")
    void incrementOfNonNumberFails() {
        onFirst.set("not-a-counter", bytes("abc"), Store.NO_EXPIRY);

        assertThatThrownBy(() -> onSecond.increment("not-a-counter"))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("not-a-counter")
                .hasMessageContaining("decimal number");
        assertThat(onFirst.get("not-a-counter")).isEqualTo(bytes("abc"));
    }

    @Test
    @DisplayName("describes itself as the member's address and cluster")
    void describesMember() {
        HostPort first = cluster.addresses.get(0);
        assertThat(onFirst.describe()).isEqualTo("hazelcast member " + first + " (cluster " + cluster.name + ")");
    }

    @Test
    @DisplayName("a store whose member has stopped fails with a StoreException naming the member")
    void stoppedMemberFailsNamingIt() {
        TestCluster lone = TestCluster.start(1);
        HazelcastStore store = store(lone.member(0));
        String description = store.describe();
        lone.close();

        assertThatThrownBy(() -> store.get("k"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(description)
                .hasMessageContaining("get k");
        assertThatThrownBy(() -> store.set("k", bytes("v"), Store.NO_EXPIRY))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(description);
        assertThat(Arrays.asList(lone.addresses.get(0).toString())).allMatch(description::contains);
    }
}
