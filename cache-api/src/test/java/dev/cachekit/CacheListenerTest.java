package dev.cachekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CacheListener")
class CacheListenerTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private final CacheListener recorder = new CacheListener() {
        @Override
        public void read(String key, ReadResult result, Duration took) {
            events.add(result.name().toLowerCase(java.util.Locale.ROOT) + " " + key);
        }

        @Override
        public void lockAcquired(String key) {
            events.add("lock " + key);
        }

        @Override
        public void loaded(String key, Duration took) {
            events.add("loaded " + key);
        }

        @Override
        public void stored(String key) {
            events.add("stored " + key);
        }

        @Override
        public void loadFailed(String key, Throwable failure) {
            events.add("failed " + key + ": " + failure.getMessage());
        }
    };

    @Test
    @DisplayName("hears a cold load step by step, then a hit")
    void coldLoadThenHit() {
        try (Cache cache = Cache.builder().uri("memory:").listener(recorder).build()) {
            cache.getOrLoad("k", String.class, () -> "v");
            cache.getOrLoad("k", String.class, () -> "never");
        }

        assertThat(events).containsExactly("miss k", "lock k", "loaded k", "stored k", "hit k");
    }

    @Test
    @DisplayName("hears a failed load, and a throwing listener does not break the cache")
    void failedLoad() {
        CacheListener throwing = new CacheListener() {
            @Override
            public void read(String key, ReadResult result, Duration took) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void loadFailed(String key, Throwable failure) {
                recorder.loadFailed(key, failure);
            }
        };
        try (Cache cache = Cache.builder().uri("memory:").listener(throwing).build()) {
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> {
                        throw new IllegalArgumentException("boom");
                    }))
                    .isInstanceOf(CacheLoadException.class);
        }

        assertThat(events).containsExactly("failed k: boom");
    }
}
