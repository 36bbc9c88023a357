package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The counter behind fencing tokens, when its key holds something that is not a counter. */
class RedisCounterTest {

    @Test
    @DisplayName("increment of a key holding a non-number fails as a CorruptEntryException naming the key,"
            + " like every other store")
    void incrementOfNonNumberNamesTheKey() {
        RedisFixture fixture = RedisFixture.standalone();
        fixture.reset();
        try (Backend backend = fixture.open();
                Jedis raw = new Jedis("127.0.0.1", RedisServers.standalone().port())) {
            Store store = backend.store();
            raw.set("counter:text", "not a number");
            assertThatThrownBy(() -> store.increment("counter:text"))
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining("counter:text");
            assertThat(raw.get("counter:text")).isEqualTo("not a number");

            raw.set("counter:max", Long.toString(Long.MAX_VALUE));
            assertThatThrownBy(() -> store.increment("counter:max"))
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining("counter:max");

            raw.set("counter:ok".getBytes(StandardCharsets.UTF_8), "41".getBytes(StandardCharsets.UTF_8));
            assertThat(store.increment("counter:ok")).isEqualTo(42);
        }
    }
}
