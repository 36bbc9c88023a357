package dev.cachekit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KeyLayout")
class KeyLayoutTest {

    private static final List<String> NAMES = List.of(
            "",
            "x",
            "e|x",
            "e|",
            "|",
            "%",
            "%7C",
            "%25",
            "%u",
            "%uD800",
            "s\uD800",
            "s?",
            "s\uDC00",
            "\uD83D\uDE00",
            "\uD83D",
            "\uDE00\uD83D",
            "t|x",
            "p:",
            "p:e|",
            "a b",
            "a\nb",
            "k|f|x",
            ":fence",
            "~");

    @Test
    @DisplayName("no two (prefix, kind, name) triples share a store key, nor its UTF-8 bytes")
    void injective() {
        List<BiFunction<KeyLayout, String, String>> kinds =
                List.of(KeyLayout::entry, KeyLayout::tag, KeyLayout::loadLock, KeyLayout::lock, KeyLayout::fence);
        Map<String, String> seen = new HashMap<>();
        for (String prefix : NAMES) {
            KeyLayout layout = KeyLayout.of(prefix);
            for (int kind = 0; kind < kinds.size(); kind++) {
                for (String name : NAMES) {
                    String key = kinds.get(kind).apply(layout, name);
                    String bytes = new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                    String what = "prefix=" + prefix + " kind=" + kind + " name=" + name;
                    assertThat(bytes).as("UTF-8 round trip of %s", what).isEqualTo(key);
                    String before = seen.put(key, what);
                    assertThat(before)
                            .as("%s and %s share %s", before, what, key)
                            .isNull();
                }
            }
        }
    }

    @Test
    @DisplayName("a prefix ending like a namespace does not reach another prefix's entries")
    void prefixesIsolate() {
        assertThat(KeyLayout.of("p:").entry("e|secret"))
                .isNotEqualTo(KeyLayout.of("p:e|").entry("secret"));
        assertThat(KeyLayout.of("p:").entry("e:secret"))
                .isNotEqualTo(KeyLayout.of("p:e:").entry("secret"));
    }

    @Test
    @DisplayName("ordinary keys stay readable")
    void readable() {
        assertThat(KeyLayout.of("cachekit:").entry("user:42")).isEqualTo("cachekit:e|user:42");
        assertThat(KeyLayout.of("cachekit:").tag("users")).isEqualTo("cachekit:t|users");
    }

    @Test
    @DisplayName("kindOf reads back the kind of every key a layout makes, whatever the prefix and name")
    void kindOf() {
        for (String prefix : List.of("", "cachekit:", "p:e|", "%7C|k", "t|l|")) {
            KeyLayout layout = KeyLayout.of(prefix);
            for (String name : List.of("x", "e|x", "k|f|", "%", "")) {
                assertThat(KeyLayout.kindOf(layout.entry(name))).isEqualTo(KeyLayout.Kind.ENTRY);
                assertThat(KeyLayout.kindOf(layout.tag(name))).isEqualTo(KeyLayout.Kind.TAG);
                assertThat(KeyLayout.kindOf(layout.loadLock(name))).isEqualTo(KeyLayout.Kind.LOAD_LOCK);
                assertThat(KeyLayout.kindOf(layout.lock(name))).isEqualTo(KeyLayout.Kind.LOCK);
                assertThat(KeyLayout.kindOf(layout.fence(name))).isEqualTo(KeyLayout.Kind.FENCE);
            }
        }
        assertThat(KeyLayout.kindOf("plain")).isNull();
        assertThat(KeyLayout.kindOf("|x")).isNull();
        assertThat(KeyLayout.kindOf("ax|k")).isNull();
    }
}
