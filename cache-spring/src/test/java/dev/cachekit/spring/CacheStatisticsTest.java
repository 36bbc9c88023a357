package dev.cachekit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.CacheListener.ReadResult;
import java.time.Duration;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CacheStatistics maps each listener event to its cache's counts")
class CacheStatisticsTest {

    private final CacheStatistics statistics = new CacheStatistics();

    @Test
    @DisplayName("every event of a <name>::<key> key counts for <name>, other keys for no one")
    void mapping() {
        CacheStatistics.Counts users = statistics.of("users");
        statistics.read("users::#1", ReadResult.HIT, Duration.ZERO);
        statistics.read("users::#1", ReadResult.CACHED_NULL, Duration.ZERO);
        statistics.read("users::#2", ReadResult.MISS, Duration.ZERO);
        statistics.put("users::#2", Duration.ofMillis(1));
        statistics.stored("users::#3");
        statistics.removed("users::#2", Duration.ofMillis(1));
        statistics.loaded("users::#3", Duration.ofMillis(5));
        statistics.loadFailed("users::#4", new IllegalStateException());
        statistics.waited("users::#3", Duration.ofMillis(2), true);
        statistics.waited("users::#4", Duration.ofMillis(3), false);
        statistics.flushed(new TreeSet<>(java.util.List.of("users", "user:42")), Duration.ZERO);
        statistics.read("plain-key", ReadResult.HIT, Duration.ZERO);
        statistics.read("::odd", ReadResult.HIT, Duration.ZERO);

        assertThat(users.hits()).isEqualTo(2);
        assertThat(users.misses()).isEqualTo(1);
        assertThat(users.puts()).isEqualTo(2);
        assertThat(users.evictions()).isEqualTo(1);
        assertThat(users.loadSuccesses()).isEqualTo(1);
        assertThat(users.loadNanos()).isEqualTo(Duration.ofMillis(5).toNanos());
        assertThat(users.loadFailures()).isEqualTo(1);
        assertThat(users.waitsWithValue()).isEqualTo(1);
        assertThat(users.waitNanosWithValue()).isEqualTo(Duration.ofMillis(2).toNanos());
        assertThat(users.waitsWithoutValue()).isEqualTo(1);
        assertThat(users.waitNanosWithoutValue()).isEqualTo(Duration.ofMillis(3).toNanos());
        assertThat(users.clears()).isEqualTo(1);
        assertThat(statistics.toString()).isEqualTo("CacheStatistics[users]");
    }
}
