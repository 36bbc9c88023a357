package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TTL jitter, checked by the spread of the TTLs the store is given (or the expiries the entries
 * record), never by timing. With 200 writes and a uniform cut, the chance that no TTL falls in the
 * lowest or the highest fifth of the range is below 10^-19.
 */
@DisplayName("TTL jitter")
class TtlJitterTest {

    private static final KeyLayout LAYOUT = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX);
    private static final long TTL = 100_000;
    private static final int WRITES = 200;

    private static Cache cache(RecordingStore store, double jitter) {
        return Caches.builder()
                .backend(Backend.builder(store).build())
                .defaultTtl(Duration.ofMillis(TTL))
                .nullTtl(Duration.ofMillis(TTL / 10))
                .ttlJitter(jitter)
                .build();
    }

    /** Every TTL within [ttl * (1 - jitter), ttl], and spread across the range, not bunched. */
    private static void assertSpread(List<Long> ttls, long ttl, double jitter) {
        assertThat(ttls).hasSize(WRITES);
        long lowest = ttl - (long) (ttl * jitter);
        assertThat(ttls).allMatch(t -> t >= lowest && t <= ttl, "within [" + lowest + ", " + ttl + "]");
        LongSummaryStatistics stats = ttls.stream().mapToLong(Long::longValue).summaryStatistics();
        long fifth = (ttl - lowest) / 5;
        assertThat(stats.getMin()).isLessThan(lowest + fifth);
        assertThat(stats.getMax()).isGreaterThan(ttl - fifth);
        assertThat(ttls.stream().distinct().count()).isGreaterThan(WRITES / 2);
    }

    @Test
    @DisplayName("each put's TTL is cut by a random amount up to the fraction, values and nulls alike")
    void put() {
        RecordingStore store = new RecordingStore();
        try (Cache cache = cache(store, 0.1)) {
            for (int i = 0; i < WRITES; i++) {
                cache.put("v" + i, "V");
            }
            assertSpread(store.writtenTtls(), TTL, 0.1);

            store.reset();
            for (int i = 0; i < WRITES; i++) {
                cache.tags("t").put("n" + i, null);
            }
            assertSpread(store.writtenTtls(), TTL / 10, 0.1);

            store.reset();
            for (int i = 0; i < WRITES; i++) {
                cache.put("e" + i, "V", Duration.ofSeconds(40));
            }
            assertSpread(store.writtenTtls(), 40_000, 0.1);
        }
    }

    @Test
    @DisplayName("values written by getOrLoad get the jitter too")
    void getOrLoad() {
        RecordingStore store = new RecordingStore();
        try (Cache cache = cache(store, 0.5)) {
            for (int i = 0; i < WRITES; i++) {
                cache.getOrLoad("l" + i, String.class, () -> "loaded");
            }
            assertSpread(store.writtenTtls(), TTL, 0.5);
        }
    }

    @Test
    @DisplayName("putAll gives each entry its own expiry, and the store the longest of one multi-set")
    void putAll() {
        RecordingStore store = new RecordingStore();
        try (Cache cache = cache(store, 0.2)) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (int i = 0; i < WRITES; i++) {
                values.put("b" + i, "V" + i);
            }
            cache.putAll(values);

            assertThat(store.calls()).hasSize(1);
            long batchTtl = store.calls().get(0).ttlMillis();
            List<Long> recorded = new ArrayList<>();
            for (String key : values.keySet()) {
                Envelope envelope =
                        Envelope.decode(LAYOUT.entry(key), store.delegate().get(LAYOUT.entry(key)));
                recorded.add(envelope.expiresAtMillis() - envelope.writtenAtMillis());
            }
            assertSpread(recorded, TTL, 0.2);
            assertThat(batchTtl)
                    .isEqualTo(
                            recorded.stream().mapToLong(Long::longValue).max().orElseThrow());
        }
    }

    @Test
    @DisplayName("FOREVER stays forever, and no TTL drops below 1 ms")
    void foreverAndFloor() {
        RecordingStore store = new RecordingStore();
        try (Cache cache = cache(store, 0.5)) {
            cache.put("forever", "V", Cache.FOREVER);
            cache.putAll(Map.of("f1", "V", "f2", "V"), Cache.FOREVER);
            assertThat(store.writtenTtls()).containsOnly(0L);

            store.reset();
            for (int i = 0; i < 50; i++) {
                cache.put("tiny" + i, "V", Duration.ofMillis(1));
            }
            assertThat(store.writtenTtls()).containsOnly(1L);
        }
    }

    @Test
    @DisplayName("without the option every TTL is exact")
    void offByDefault() {
        RecordingStore store = new RecordingStore();
        try (Cache cache = Caches.builder()
                .backend(Backend.builder(store).build())
                .defaultTtl(Duration.ofMillis(TTL))
                .build()) {
            for (int i = 0; i < 20; i++) {
                cache.put("v" + i, "V");
            }
            assertThat(store.writtenTtls()).containsOnly(TTL);
        }
    }

    @Test
    @DisplayName("the URI option ttlJitter=10% spreads the TTLs the store holds")
    void uriOption() {
        String space = "jitter-" + UUID.randomUUID();
        MemoryStore raw = new MemoryStore(MemorySpace.named(space));
        try (Cache cache = Caches.open("memory://" + space + "?ttl=100s&ttlJitter=10%")) {
            for (int i = 0; i < WRITES; i++) {
                cache.put("u" + i, "V");
            }
            List<Long> left = new ArrayList<>();
            for (int i = 0; i < WRITES; i++) {
                Optional<Duration> ttl = raw.timeToLive(LAYOUT.entry("u" + i));
                left.add(ttl.orElseThrow().toMillis());
            }
            // Time left, read after the writes: at most the TTL, at least the shortest jittered one
            // less the (generous) time the test took.
            assertThat(left).allMatch(t -> t <= TTL && t > 80_000);
            LongSummaryStatistics stats =
                    left.stream().mapToLong(Long::longValue).summaryStatistics();
            assertThat(stats.getMax() - stats.getMin()).isGreaterThan(5_000);
        }
        try (Cache plain = Caches.open("memory://" + space + "?ttl=100s&ttlJitter=0.25")) {
            assertThat(plain).isNotNull();
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "60%", "0.6", "-1%", "abc", "10 %", "%", "1e-1", "0x1p-3", "0.1d", " 0.1", "NaN", "10%%", "", "%25"
            })
    @DisplayName("a ttlJitter option that is not a fraction from 0 to 0.5 is a configuration error naming it")
    void badUriValues(String text) {
        Throwable failure = catchThrowable(() -> Caches.open("memory:?ttlJitter="
                        + java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8)
                                .replace("+", "%20"))
                .close());

        assertThat(failure)
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("option 'ttlJitter=")
                .hasMessageContaining("from 0 to 0.5");
        assertThat(failure.getMessage()).doesNotContainPattern("[\\x00-\\x1f]");
    }

    @Test
    @DisplayName("the builder refuses a fraction outside 0 to 0.5")
    void builderRange() {
        assertThatThrownBy(() -> Caches.builder().ttlJitter(0.51))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.5");
        assertThatThrownBy(() -> Caches.builder().ttlJitter(-0.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Caches.builder().ttlJitter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
