package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TCK trusts {@link MemcachedFixture#reset()} to empty the servers; memcached's {@code
 * flush_all} works on its once-a-second clock, so check that it really does, in the same second.
 */
@DisplayName("The test fixture's reset")
class MemcachedFixtureTest {

    @ParameterizedTest(name = "on {0} server(s)")
    @ValueSource(strings = {"one", "two"})
    @DisplayName("makes everything written just before it read as absent, and keeps what is written just after")
    void resetEmptiesAndKeepsLaterWrites(String which) {
        MemcachedFixture fixture = which.equals("one") ? MemcachedFixture.single() : MemcachedFixture.pair();
        try (Backend backend = fixture.open()) {
            Store store = backend.store();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                keys.add("before-reset-" + i);
                store.set("before-reset-" + i, bytes("old"), Store.NO_EXPIRY);
            }
            fixture.reset();
            store.set("after-reset", bytes("new"), Store.NO_EXPIRY);
            assertThat(store.getAll(keys)).containsOnlyNulls();
            assertThat(fixture.rawGet("before-reset-0")).isNull();
            assertThat(store.get("after-reset")).isEqualTo(bytes("new"));
            assertThat(store.setIfAbsent("before-reset-1", bytes("again"), Store.NO_EXPIRY))
                    .isTrue();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
