package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.Caches;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.Backend;
import dev.cachekit.tck.CountingStore.Operation;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Round trips, counted on the store")
class MemoryRoundTripTest {

    private CountingStore store;
    private Cache cache;

    @BeforeEach
    void open() {
        MemorySpace space = MemorySpace.createPrivate();
        store = new CountingStore(new MemoryStore(space));
        cache = Caches.builder()
                .backend(Backend.builder(store).signal(space.signal()).build())
                .build();
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    @DisplayName("a tagged read with three tags is exactly one multi-get and nothing else")
    void taggedReadIsOneMultiGet() {
        TaggedCache view = cache.tags("users", "user:42", "team:7");
        view.put("user:42", "Ada");
        store.reset();

        assertThat(view.get("user:42", String.class).value()).isEqualTo("Ada");

        assertThat(store.snapshot()).containsEntry(Operation.GET_ALL, 1L);
        assertThat(store.total()).isEqualTo(1);
    }

    @Test
    @DisplayName("a flush is exactly one multi-set, with ten entries or ten thousand")
    void flushIsOneMultiSet() {
        TaggedCache view = cache.tags("users", "user:42");
        view.put("k0", 0);
        store.reset();
        view.flush();
        Map<Operation, Long> small = store.snapshot();

        for (int i = 1; i < 10_000; i++) {
            view.put("k" + i, i);
        }
        store.reset();
        view.flush();

        assertThat(small).containsEntry(Operation.SET_ALL, 1L);
        assertThat(store.total()).isEqualTo(1);
        assertThat(store.snapshot()).isEqualTo(small);
        assertThat(view.get("k5000", Integer.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("a getOrLoad hit reads once and makes no lock call")
    void getOrLoadHitTakesNoLock() {
        TaggedCache view = cache.tags("users");
        view.put("user:1", "Grace");
        store.reset();

        String value = view.getOrLoad("user:1", String.class, () -> {
            throw new AssertionError("the loader must not run on a hit");
        });

        assertThat(value).isEqualTo("Grace");
        assertThat(store.snapshot()).containsEntry(Operation.GET_ALL, 1L);
        assertThat(store.total()).isEqualTo(1);
    }

    @Test
    @DisplayName("a cold getOrLoad takes the lock once (no fencing counter), re-reads, writes and releases")
    void coldGetOrLoadTakesTheLockOnce() {
        store.reset();

        assertThat(cache.getOrLoad("cold", String.class, () -> "loaded")).isEqualTo("loaded");

        Map<Operation, Long> calls = store.snapshot();
        assertThat(calls)
                .containsEntry(Operation.GET, 2L)
                .containsEntry(Operation.SET_IF_ABSENT, 1L)
                .containsEntry(Operation.INCREMENT, 0L)
                .containsEntry(Operation.SET, 1L)
                .containsEntry(Operation.COMPARE_AND_DELETE, 1L);
    }
}
