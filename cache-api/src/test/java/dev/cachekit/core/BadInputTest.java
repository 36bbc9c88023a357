package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.CorruptEntryException;
import dev.cachekit.codec.JdkCodec;
import dev.cachekit.memory.MemoryBounds;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.StoreCapabilities;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bad input gets a clear error and loses nothing")
class BadInputTest {

    private MemorySpace space;
    private MemoryStore raw;
    private Cache cache;

    @BeforeEach
    void open() {
        space = MemorySpace.createPrivate();
        raw = new MemoryStore(space);
        cache = Caches.builder().store(new MemoryStore(space)).build();
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    @DisplayName("a null key is refused naming the key parameter")
    void nullKey() {
        assertThatThrownBy(() -> cache.get(null, String.class))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("key");
        assertThatThrownBy(() -> cache.put(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.getOrLoad(null, String.class, () -> "v"))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("an empty key is refused")
    void emptyKey() {
        assertThatThrownBy(() -> cache.put("", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key must not be empty");
    }

    @Test
    @DisplayName("null, empty or missing tags are refused")
    void badTags() {
        assertThatThrownBy(() -> cache.tags("users", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("tag");
        assertThatThrownBy(() -> cache.tags("users", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a tag must not be empty");
        assertThatThrownBy(() -> cache.tags())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a tagged view needs at least one tag");
    }

    @Test
    @DisplayName("more tags than an entry can record are refused")
    void tooManyTags() {
        java.util.List<String> tags = new java.util.ArrayList<>();
        for (int i = 0; i <= DefaultCache.MAX_TAGS; i++) {
            tags.add("t" + i);
        }
        assertThatThrownBy(() -> cache.tags(tags))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a view takes at most 65535 tags, was given 65536; an entry records every tag's version,"
                        + " and a read fetches them all");
    }

    @Test
    @DisplayName("exactly as many tags as an entry can record work: put, read, flush")
    void mostTags() {
        java.util.List<String> tags = new java.util.ArrayList<>();
        for (int i = 0; i < DefaultCache.MAX_TAGS; i++) {
            tags.add("t" + i);
        }
        // A name given twice counts once.
        tags.add("t0");
        // Each tag version is an item of the in-process store: bound it above the 65,536 items.
        try (Cache big = Caches.builder()
                .store(new MemoryStore(
                        MemorySpace.createPrivate(new MemoryBounds(200_000, MemoryBounds.DEFAULT_MAX_BYTES))))
                .build()) {
            dev.cachekit.TaggedCache view = big.tags(tags);

            view.put("k", "v");
            assertThat(view.get("k", String.class).value()).isEqualTo("v");
            assertThat(big.get("k", String.class).value()).isEqualTo("v");
            big.tags("t65534").flush();
            assertThat(view.get("k", String.class).isHit()).isFalse();
            assertThat(DefaultCache.MAX_TAGS).isEqualTo(65_535);
        }
    }

    @Test
    @DisplayName("a null type is refused")
    void nullType() {
        assertThatThrownBy(() -> cache.get("k", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("type");
    }

    @Test
    @DisplayName("a zero or negative TTL is refused and nothing is written")
    void badTtl() {
        assertThatThrownBy(() -> cache.put("k", "v", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttl must be positive (or Cache.FOREVER), was PT-1S; to drop an entry use remove()");
        assertThatThrownBy(() -> cache.put("k", "v", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.get("k", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("an unknown URI scheme names the installed schemes")
    void unknownScheme() {
        assertThatThrownBy(() -> Caches.open("nope://somewhere:1"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageStartingWith(
                        "no cache provider for scheme 'nope' in nope://somewhere:1; installed schemes: [")
                .hasMessageContaining("memory");
    }

    @Test
    @DisplayName("two providers for one scheme are both named")
    void twoProvidersForOneScheme() {
        assertThatThrownBy(() -> Caches.open("dup://x"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessage("several cache providers claim scheme 'dup': dev.cachekit.core.DuplicateProviders$First,"
                        + " dev.cachekit.core.DuplicateProviders$Second; remove one from the class path or choose one"
                        + " with -Ddev.cachekit.provider.dup=<class name>");
    }

    @Test
    @DisplayName("an unknown URI option is named along with the accepted ones")
    void unknownOption() {
        assertThatThrownBy(() -> Caches.open("memory:?prefx=a:"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessage("unknown option [prefx] in memory:?prefx=a:; accepted options: [cacheAbsent, loadTimeout,"
                        + " lockLease, maxBytes, maxEntries, near, nearMaxBytes, nearMaxEntries, nearTtl, nullTtl,"
                        + " onLoadTimeout, onStoreError, prefix, refreshAhead, touchWindow, ttl, ttlJitter]");
    }

    @Test
    @DisplayName("a malformed duration option says how to write one")
    void badDurationOption() {
        assertThatThrownBy(() -> Caches.open("memory:?ttl=forever"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessage("option 'ttl=forever' in memory:?ttl=forever is not a duration;"
                        + " write e.g. 500ms, 30s, 5m, 2h, 1d or PT30S");
    }

    @Test
    @DisplayName("corrupted entry bytes fail naming the key, never a wrong value")
    void corruptedBytes() {
        cache.put("k", "value");
        String key = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).entry("k");
        byte[] bytes = raw.get(key);
        bytes[bytes.length - 6] ^= 0x01;
        raw.set(key, bytes, 0);

        assertThatThrownBy(() -> cache.get("k", String.class))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageStartingWith("entry 'cachekit:e|k': checksum mismatch");
    }

    @Test
    @DisplayName("truncated entry bytes fail naming the key")
    void truncatedBytes() {
        cache.put("k", "value");
        String key = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).entry("k");
        raw.set(key, Arrays.copyOf(raw.get(key), 10), 0);

        assertThatThrownBy(() -> cache.get("k", String.class))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessage("entry 'cachekit:e|k': only 10 bytes, shorter than any cache entry");
    }

    @Test
    @DisplayName("bytes that are not a cache entry at all fail naming the key")
    void foreignBytes() {
        raw.set(
                KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).entry("k"),
                "plain text written by someone else".getBytes(),
                0);

        assertThatThrownBy(() -> cache.get("k", String.class))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessage("entry 'cachekit:e|k': not written by cachekit (first byte 112)");
    }

    @Test
    @DisplayName("an entry written with another codec fails naming both codecs")
    void otherCodec() {
        try (Cache jdk = Caches.builder()
                .store(new MemoryStore(space))
                .codec(JdkCodec.create())
                .build()) {
            jdk.put("k", "value");
        }

        assertThatThrownBy(() -> cache.get("k", String.class))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessage("entry 'cachekit:e|k': written with codec id 2, but this cache uses codec kryo (id 1);"
                        + " every cache on one prefix must use the same codec");
    }

    @Test
    @DisplayName("reading a value as the wrong type names both types")
    void wrongType() {
        cache.put("k", "text");

        assertThatThrownBy(() -> cache.get("k", Integer.class))
                .hasMessage("entry 'cachekit:e|k': the cached value is a java.lang.String, not a java.lang.Integer;"
                        + " read it with the type it was written with");
    }

    @Test
    @DisplayName("a value larger than the store accepts is refused and the old value stays")
    void oversizedValue() {
        StoreCapabilities small = new StoreCapabilities(Duration.ofMillis(1), 250, 1024);
        try (Cache limited =
                Caches.builder().store(new MemoryStore(space, small)).build()) {
            limited.put("k", "small");

            assertThatThrownBy(() -> limited.put("k", "x".repeat(2000)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the value for key 'cachekit:e|k' is ")
                    .hasMessageEndingWith(" bytes encoded, but memory: accepts at most 1024; nothing was written");
            assertThat(limited.get("k", String.class).value()).isEqualTo("small");
        }
    }

    @Test
    @DisplayName("a key too long for the store is refused naming the limit")
    void oversizedKey() {
        StoreCapabilities small = new StoreCapabilities(Duration.ofMillis(1), 250, 1024);
        try (Cache limited =
                Caches.builder().store(new MemoryStore(space, small)).build()) {
            assertThatThrownBy(() -> limited.put("k".repeat(300), "v"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageEndingWith(" is too long for memory:: 311 bytes with its prefix, at most 250 allowed");
        }
    }

    @Test
    @DisplayName("a key of 2-byte characters is measured in UTF-8 bytes, not in characters")
    void multiByteKeyMeasuredInBytes() {
        StoreCapabilities small = new StoreCapabilities(Duration.ofMillis(1), 250, 1024);
        try (Cache limited =
                Caches.builder().store(new MemoryStore(space, small)).build()) {
            // "cachekit:e|" takes 11 of the 250 bytes; 119 chars of 2 bytes fit, 120 do not.
            String fits = "\u00e9".repeat(119);
            limited.put(fits, "v");
            assertThat(limited.get(fits, String.class).value()).isEqualTo("v");

            assertThatThrownBy(() -> limited.get("\u00e9".repeat(120), String.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageEndingWith(" is too long for memory:: 251 bytes with its prefix, at most 250 allowed");
        }
    }

    @Test
    @DisplayName("a counter key holding something else than a number is reported as a corrupt entry")
    void counterNotANumber() {
        raw.set("counter", "not a number".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0);

        assertThatThrownBy(() -> raw.increment("counter"))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("counter");
    }

    @Test
    @DisplayName("a closed cache refuses calls")
    void closedCache() {
        cache.close();
        assertThatThrownBy(() -> cache.get("k", String.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the cache on memory: is closed");
    }
}
