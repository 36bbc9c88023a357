package dev.cachekit.redis;

import dev.cachekit.spi.Backend;
import dev.cachekit.spi.Store;
import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.ServerControl;
import dev.cachekit.tck.Tck;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Disabled;

/**
 * The whole TCK against a real standalone Redis server, every contract's cache with near=on.
 *
 * <p>Last run (with main's bulk contracts): 242 tests: 230 pass, 6 are skipped (as without near),
 * 6 do not. Three count store round trips exactly and find fewer, which is the near cache's point
 * ({@code TagsAreMetadata.roundTrips}: an untagged read of a local entry makes 0 calls, not 2;
 * {@code Cost.taggedReadIsOneRoundTrip}; {@code extraTagsOneMoreRoundTrip}). Three build a backend
 * by hand without the invalidation channel, which near=on refuses ({@code Loading.hitTakesNoLock},
 * {@code Invalidation.putRacingAFlushStaysInvisible}, {@code fiftyColdKeysLockInOneCall}). Disabled
 * until the contracts learn a near mode: counts "at most" rather than "exactly", and the channel
 * carried over. Run it anyway with {@code
 * -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}.
 */
@Disabled("6 contracts assume no near tier: exact round-trip counts, backends built without the channel")
class RedisNearTckTest extends Tck {

    @Override
    protected BackendFixture fixture() {
        return new NearFixture(RedisFixture.standalone());
    }

    /** The standalone fixture, with near caches. */
    private record NearFixture(BackendFixture plain) implements BackendFixture {
        @Override
        public String name() {
            return plain.name() + " with near=on";
        }

        @Override
        public Backend open() {
            return plain.open();
        }

        @Override
        public Backend openSecond() {
            return plain.openSecond();
        }

        @Override
        public byte[] rawGet(String key) {
            return plain.rawGet(key);
        }

        @Override
        public void rawDelete(String key) {
            plain.rawDelete(key);
        }

        @Override
        public Optional<Duration> rawTtl(String key) {
            return plain.rawTtl(key);
        }

        @Override
        public void reset() {
            plain.reset();
        }

        @Override
        public Backend overStore(Backend opened, Store store) {
            return plain.overStore(opened, store);
        }

        @Override
        public void rawExpireKeysWithTtl() {
            plain.rawExpireKeysWithTtl();
        }

        @Override
        public Backend lockerOverStore(Backend opened, Store store) {
            return plain.lockerOverStore(opened, store);
        }

        @Override
        public Optional<ServerControl> server() {
            return plain.server();
        }

        @Override
        public boolean nearCache() {
            return true;
        }
    }
}
