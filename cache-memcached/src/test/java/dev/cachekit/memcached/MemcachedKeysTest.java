package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Key mapping")
class MemcachedKeysTest {

    @Test
    @DisplayName("a key memcached accepts is used as it is")
    void safeKeysAreKept() {
        String longest = "k".repeat(250);
        assertThat(MemcachedKeys.toMemcached("cachekit:e:user:42")).isEqualTo("cachekit:e:user:42");
        assertThat(MemcachedKeys.toMemcached(longest)).isEqualTo(longest);
    }

    @Test
    @DisplayName("keys that are too long or hold spaces, control or non-ASCII characters map to safe keys")
    void unsafeKeysAreMapped() {
        List<String> unsafe = List.of(
                "k".repeat(251),
                "x".repeat(10_000),
                "with space",
                "with\nnewline",
                "with\ttab",
                "with\u0000nul",
                "with\u007fdel",
                "ключ-ü-✓",
                "emoji-\uD83D\uDE00");
        for (String key : unsafe) {
            String mapped = MemcachedKeys.toMemcached(key);
            assertThat(mapped).as("mapped form of %s", key).isNotEqualTo(key);
            assertThat(mapped.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(250);
            assertThat(mapped.chars()).allMatch(c -> c > 0x20 && c < 0x7f);
            assertThat(mapped).contains(String.valueOf(MemcachedKeys.MARKER));
            assertThat(MemcachedKeys.toMemcached(mapped))
                    .as("a mapped key is itself mapped again, never taken as a plain key")
                    .isNotEqualTo(mapped);
        }
    }

    @Test
    @DisplayName("the mapped form starts with the key's readable part")
    void mappedKeysStayReadable() {
        assertThat(MemcachedKeys.toMemcached("cachekit:e:hello world")).startsWith("cachekit:e:hello_world~");
    }

    @Test
    @DisplayName("two long keys that share their first 250 bytes map to different keys")
    void sharedPrefixesStayApart() {
        String stem = "p".repeat(250);
        assertThat(MemcachedKeys.toMemcached(stem + "a")).isNotEqualTo(MemcachedKeys.toMemcached(stem + "b"));
    }

    @Test
    @DisplayName("a key that looks like a mapped key is mapped too, so it never meets the key it imitates")
    void markerKeysAreMapped() {
        String mapped = MemcachedKeys.toMemcached("with space");
        assertThat(MemcachedKeys.toMemcached(mapped)).isNotEqualTo(mapped);
        assertThat(MemcachedKeys.toMemcached("a~b")).isNotEqualTo("a~b");
    }

    @Test
    @DisplayName("keys differing only in unsafe characters the readable part replaces stay apart")
    void replacedCharactersStayApart() {
        Set<String> mapped = new HashSet<>();
        for (String key : List.of("a b", "a\nb", "a\tb", "a_b~", "a\u00e9b", "a\u00e8b")) {
            mapped.add(MemcachedKeys.toMemcached(key));
        }
        assertThat(mapped).hasSize(6);
    }
}
