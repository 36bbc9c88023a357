package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.spi.Store;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TTL to memcached expiry")
class MemcachedExpiryTest {

    private static final long NOW = 1_800_000_000_123L;

    @Test
    @DisplayName("no expiry stays 0")
    void noExpiry() {
        assertThat(MemcachedExpiry.of(Store.NO_EXPIRY, NOW)).isZero();
    }

    @Test
    @DisplayName("a TTL is rounded up to whole seconds, plus one for memcached's once-a-second clock")
    void roundsUp() {
        assertThat(MemcachedExpiry.of(1, NOW)).isEqualTo(2);
        assertThat(MemcachedExpiry.of(500, NOW)).isEqualTo(2);
        assertThat(MemcachedExpiry.of(1000, NOW)).isEqualTo(2);
        assertThat(MemcachedExpiry.of(1001, NOW)).isEqualTo(3);
        assertThat(MemcachedExpiry.of(Duration.ofHours(2).toMillis(), NOW)).isEqualTo(7201);
    }

    @Test
    @DisplayName("up to 30 days the expiry is relative; beyond, it is the absolute Unix time of the end")
    void beyondThirtyDaysIsAbsolute() {
        long justUnder = (MemcachedExpiry.MAX_RELATIVE_SECONDS - 1) * 1000;
        assertThat(MemcachedExpiry.of(justUnder, NOW)).isEqualTo(MemcachedExpiry.MAX_RELATIVE_SECONDS);
        long days31 = Duration.ofDays(31).toMillis();
        assertThat(MemcachedExpiry.of(days31, NOW)).isEqualTo((int) ((NOW + days31 + 999) / 1000 + 1));
    }

    @Test
    @DisplayName("an end after 2038 is sent as the unsigned 32-bit time the protocol carries")
    void after2038IsUnsigned() {
        long ttl = Duration.ofDays(365L * 20).toMillis();
        int expiry = MemcachedExpiry.of(ttl, NOW);
        assertThat(Integer.toUnsignedLong(expiry)).isEqualTo((NOW + ttl + 999) / 1000 + 1);
    }

    @Test
    @DisplayName("an end past what memcached can count (2106) keeps the item until evicted")
    void beyond2106IsKeptUntilEvicted() {
        assertThat(MemcachedExpiry.of(Duration.ofDays(365L * 200).toMillis(), NOW))
                .isZero();
    }

    @Test
    @DisplayName("TTLs near Long.MAX_VALUE do not overflow into a time in the past; they keep the item")
    void longestTtlsDoNotOverflow() {
        assertThat(MemcachedExpiry.of(Long.MAX_VALUE, NOW)).isZero();
        assertThat(MemcachedExpiry.of(Long.MAX_VALUE - 500, NOW)).isZero();
        assertThat(MemcachedExpiry.of(Long.MAX_VALUE - NOW + 1, NOW)).isZero();
    }

    @Test
    @DisplayName("a negative TTL is refused, naming the value")
    void negativeIsRefused() {
        assertThatThrownBy(() -> MemcachedExpiry.of(-5, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
    }
}
