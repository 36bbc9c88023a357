package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import dev.cachekit.tck.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TTLs on a real memcached")
class MemcachedTtlTest {

    private final MemcachedFixture fixture = MemcachedFixture.single();
    private final ServerProcess server = MemcachedServers.single();
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

    @Test
    @DisplayName("the store declares a TTL granularity of one second")
    void granularityIsOneSecond() {
        assertThat(store.capabilities().ttlGranularity()).isEqualTo(Duration.ofSeconds(1));
        assertThat(store.capabilities().subSecondTtl()).isFalse();
    }

    @Test
    @DisplayName("a TTL of 31 days is kept as 31 days on the server, not read as a time in 1970")
    void thirtyOneDays() {
        long days31 = Duration.ofDays(31).toMillis();
        store.set("a", bytes("A"), days31);
        store.setIfAbsent("b", bytes("B"), days31);
        assertThat(store.get("a")).isEqualTo(bytes("A"));
        assertThat(store.get("b")).isEqualTo(bytes("B"));
        for (String key : new String[] {"a", "b"}) {
            OptionalLong left = MetaCommands.secondsLeft(server, key);
            assertThat(left).as("seconds left of %s", key).isPresent();
            assertThat(left.getAsLong())
                    .isBetween(
                            Duration.ofDays(31).toSeconds() - 60,
                            Duration.ofDays(31).toSeconds() + 5);
        }
    }

    @Test
    @DisplayName("a TTL of 20 years (past 2038) is kept as such on the server")
    void twentyYears() {
        long years20 = Duration.ofDays(365L * 20).toMillis();
        store.set("far", bytes("F"), years20);
        OptionalLong left = MetaCommands.secondsLeft(server, "far");
        assertThat(left).isPresent();
        assertThat(left.getAsLong())
                .isBetween(
                        Duration.ofDays(365L * 20).toSeconds() - 60,
                        Duration.ofDays(365L * 20).toSeconds() + 5);
    }

    @Test
    @DisplayName("a TTL of Long.MAX_VALUE ms (\"as long as possible\") keeps the item instead of expiring it at once")
    void longestTtlKeepsTheItem() {
        store.set("max", bytes("M"), Long.MAX_VALUE);
        assertThat(store.setIfAbsent("max-absent", bytes("A"), Long.MAX_VALUE)).isTrue();
        store.set("near-max", bytes("N"), Long.MAX_VALUE - 1_000);
        assertThat(store.get("max")).isEqualTo(bytes("M"));
        assertThat(store.get("max-absent")).isEqualTo(bytes("A"));
        assertThat(store.get("near-max")).isEqualTo(bytes("N"));
        assertThat(store.setIfAbsent("max-absent", bytes("B"), Long.MAX_VALUE))
                .as("a second set-if-absent (a second lock owner) must lose")
                .isFalse();
    }

    @Test
    @DisplayName("no expiry is no expiry on the server, and a sub-second TTL becomes whole seconds there")
    void noExpiryAndSubSecond() {
        store.set("forever", bytes("F"), Store.NO_EXPIRY);
        store.set("brief", bytes("B"), 300);
        assertThat(MetaCommands.secondsLeft(server, "forever")).hasValue(-1);
        assertThat(MetaCommands.secondsLeft(server, "brief").getAsLong()).isBetween(1L, 2L);
    }

    @Test
    @DisplayName("through the cache, a 300 ms entry reads as a miss after 300 ms although memcached keeps it longer")
    void subSecondEntryExpiresOnTime() {
        try (Cache cache =
                Caches.builder().backend(fixture.open()).keyPrefix("ttl:").build()) {
            cache.put("brief", "value", Duration.ofMillis(300));
            cache.put("lasting", "value", Duration.ofMinutes(5));
            sleep(Duration.ofMillis(450));
            assertThat(fixture.rawGet(KeyLayout.of("ttl:").entry("brief")))
                    .as("still held by memcached")
                    .isNotNull();
            assertThat(cache.get("brief", String.class).isHit()).isFalse();
            assertThat(cache.get("lasting", String.class).value()).isEqualTo("value");
            sleep(Duration.ofMillis(2_800));
            assertThat(fixture.rawGet(KeyLayout.of("ttl:").entry("brief")))
                    .as("gone from memcached after its whole seconds")
                    .isNull();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
