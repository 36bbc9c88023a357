package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.CacheLock;
import dev.cachekit.HeldLock;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.tck.ServerProcess;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Locks as memcached holds them")
class MemcachedLockTest {

    @Test
    @DisplayName("a held lock is an item whose expiry is the lease, and its fencing counter never expires")
    void lockItemCarriesTheLease() {
        MemcachedFixture fixture = MemcachedFixture.single();
        ServerProcess server = MemcachedServers.single();
        fixture.reset();
        try (Cache cache =
                Cache.builder().backend(fixture.open()).keyPrefix("locks:").build()) {
            CacheLock lock = cache.lock("nightly job").withLease(Duration.ofSeconds(90));
            Optional<HeldLock> held = lock.tryAcquire();
            assertThat(held).isPresent();
            OptionalLong left =
                    MetaCommands.secondsLeft(server, KeyLayout.of("locks:").lock("nightly job"));
            assertThat(left).isPresent();
            assertThat(left.getAsLong()).isBetween(88L, 91L);
            assertThat(MetaCommands.secondsLeft(server, KeyLayout.of("locks:").fence("nightly job")))
                    .hasValue(-1);
            held.get().close();
            assertThat(MetaCommands.secondsLeft(server, KeyLayout.of("locks:").lock("nightly job")))
                    .isEmpty();
        }
    }
}
