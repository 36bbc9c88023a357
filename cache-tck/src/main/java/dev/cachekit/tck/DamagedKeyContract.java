package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheLock;
import dev.cachekit.CorruptEntryException;
import dev.cachekit.TaggedCache;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract for the cache's own keys holding bytes the cache never writes there (a bug, an
 * operator's hand, another program on the same prefix): one rule for every kind of key {@link
 * KeyLayout} defines that the cache reads back. The call fails with a {@link CorruptEntryException}
 * whose {@link CorruptEntryException#key()} is the damaged key and whose message names it, never
 * a client's own exception or a store error; and the failed call leaves no lock held. Entries
 * hold envelopes, tag versions are 1 to 255 bytes, and fencing counters are non-negative whole
 * numbers in decimal. Lock keys are compared with the owner token only and never decoded, so any
 * bytes there mean "held" until the key's TTL ends; they have no damaged form.
 */
public abstract class DamagedKeyContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected DamagedKeyContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    private KeyLayout layout() {
        return KeyLayout.of(prefix());
    }

    /** Writes {@code bytes} at {@code key} without expiry, as the cache would not. */
    private void damage(String key, byte[] bytes) {
        Backend backend = open();
        backend.store().set(key, bytes, Store.NO_EXPIRY);
    }

    private static void assertDamaged(String what, String key, ThrowingCallable call) {
        assertThatThrownBy(call)
                .as(what)
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(((CorruptEntryException) e).key())
                        .as("the key named")
                        .isEqualTo(key));
    }

    @Nested
    class Entries {

        @Test
        @DisplayName("an entry holding no envelope fails get and getOrLoad naming the entry key; the loader does"
                + " not run and the load lock is not left held")
        void damagedEntry() {
            Cache cache = cache(open());
            String key = layout().entry("k");
            damage(key, bytes("not an envelope"));
            AtomicInteger loads = new AtomicInteger();
            assertDamaged("get", key, () -> cache.get("k", String.class));
            assertDamaged(
                    "getOrLoad", key, () -> cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet()));
            assertThat(loads).as("loader calls").hasValue(0);
            assertThat(backendFixture().rawGet(layout().loadLock("k")))
                    .as("the load lock")
                    .isNull();
        }
    }

    @Nested
    class TagVersions {

        @Test
        @DisplayName("a tag holding 300 bytes (no tag version) fails get, put and getOrLoad through its views"
                + " naming the tag key; the loader does not run and the load lock is not left held")
        void oversizedTagVersion() {
            damagedTag(new byte[300]);
        }

        @Test
        @DisplayName("a tag holding no bytes at all fails get, put and getOrLoad through its views naming the tag"
                + " key; the loader does not run and the load lock is not left held")
        void emptyTagVersion() {
            damagedTag(new byte[0]);
        }

        private void damagedTag(byte[] version) {
            Cache cache = cache(open());
            TaggedCache view = cache.tags("t");
            String key = layout().tag("t");
            damage(key, version);
            AtomicInteger loads = new AtomicInteger();
            assertDamaged("get", key, () -> view.get("k", String.class));
            assertDamaged("put", key, () -> view.put("k", "v"));
            assertDamaged(
                    "getOrLoad", key, () -> view.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet()));
            assertThat(loads).as("loader calls").hasValue(0);
            assertThat(backendFixture().rawGet(layout().loadLock("k")))
                    .as("the load lock")
                    .isNull();
            view.flush();
            view.put("k", "v");
            assertThat(view.get("k", String.class).value())
                    .as("read back after a flush replaced the damaged version")
                    .isEqualTo("v");
        }
    }

    @Nested
    class FencingCounters {

        @Test
        @DisplayName("a fencing counter holding text fails tryAcquire and tryAcquire(timeout) naming the counter key,"
                + " and the lock is not left held")
        void textInTheCounter() throws Exception {
            damagedCounter(bytes("garbage"));
        }

        @Test
        @DisplayName("a fencing counter holding a negative number fails tryAcquire and tryAcquire(timeout) naming"
                + " the counter key, and the lock is not left held")
        void negativeCounter() throws Exception {
            damagedCounter(bytes("-5"));
        }

        private void damagedCounter(byte[] counter) throws Exception {
            Cache cache = cache(open());
            String fence = layout().fence("job");
            damage(fence, counter);
            CacheLock lock = cache.lock("job");
            assertDamaged("tryAcquire", fence, lock::tryAcquire);
            assertThat(backendFixture().rawGet(layout().lock("job")))
                    .as("the lock key after the failed tryAcquire")
                    .isNull();
            assertDamaged("tryAcquire(timeout)", fence, () -> lock.tryAcquire(Duration.ofSeconds(5)));
            assertThat(backendFixture().rawGet(layout().lock("job")))
                    .as("the lock key after the failed tryAcquire(timeout)")
                    .isNull();
            backendFixture().rawDelete(fence);
            assertThat(lock.tryAcquire())
                    .as("acquired once the counter key is deleted")
                    .isPresent();
        }
    }
}
