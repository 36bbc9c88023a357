package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CodecException;
import dev.cachekit.codec.Codec;
import dev.cachekit.codec.JdkCodec;
import dev.cachekit.codec.KryoCodec;
import dev.cachekit.memory.MemoryStore;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("getOrLoad and the codec's allow-list")
class GetOrLoadCodecCheckTest {

    /** A class on no allow-list. */
    record Unlisted(String name) implements Serializable {}

    static List<Codec> codecs() {
        return List.of(KryoCodec.create(), JdkCodec.create());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    @DisplayName("a type the codec refuses fails at once with the allow-list advice, and the loader is never called")
    void refusedTypeFailsBeforeTheLoader(Codec codec) {
        try (Cache cache =
                Caches.builder().store(new MemoryStore()).codec(codec).build()) {
            AtomicInteger loads = new AtomicInteger();
            for (int call = 0; call < 2; call++) {
                assertThatThrownBy(() -> cache.getOrLoad("user:42", Unlisted.class, () -> {
                            loads.incrementAndGet();
                            return new Unlisted("Ada");
                        }))
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("user:42")
                        .hasMessageContaining(Unlisted.class.getName())
                        .hasMessageContaining(".allowClass(")
                        .hasMessageContaining("the loader was not called");
            }
            assertThat(loads).as("loader calls").hasValue(0);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    @DisplayName("interfaces, abstract classes, Object and allowed classes load as before")
    void typesTheCodecCannotJudgeStillLoad(Codec codec) {
        try (Cache cache =
                Caches.builder().store(new MemoryStore()).codec(codec).build()) {
            Object list = cache.getOrLoad("list", List.class, () -> new ArrayList<>(List.of("a")));
            assertThat(list).isEqualTo(List.of("a"));
            assertThat(cache.getOrLoad("object", Object.class, () -> "text")).isEqualTo("text");
            assertThat(cache.getOrLoad("number", Number.class, () -> 42)).isEqualTo(42);
            assertThat(cache.getOrLoad("string", String.class, () -> "s")).isEqualTo("s");
            assertThat(cache.getOrLoad("bytes", byte[].class, () -> new byte[] {1}))
                    .containsExactly(1);
        }
    }
}
