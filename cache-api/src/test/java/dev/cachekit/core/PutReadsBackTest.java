package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CodecException;
import dev.cachekit.codec.Codec;
import dev.cachekit.codec.JdkCodec;
import dev.cachekit.codec.KryoCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A value the codec could not read back")
class PutReadsBackTest {

    private static final int MAX_LENGTH = 1000;

    static Stream<Codec> codecs() {
        return Stream.of(
                KryoCodec.builder().maxLength(MAX_LENGTH).build(),
                JdkCodec.builder().maxLength(MAX_LENGTH).build());
    }

    private static Cache cache(Codec codec) {
        return Caches.builder().uri("memory:").codec(codec).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("is refused by put, naming the key and the limit; at the limit it is written and read")
    void overMaxLength(Codec codec) {
        try (Cache cache = cache(codec)) {
            for (Object atLimit : List.of(
                    "é".repeat(MAX_LENGTH),
                    new long[MAX_LENGTH],
                    new ArrayList<>(Collections.nCopies(MAX_LENGTH, "x")))) {
                cache.put("at", atLimit);
                assertThat(cache.get("at", Object.class).value()).isEqualTo(atLimit);
            }
            for (Object over : List.of(
                    "é".repeat(MAX_LENGTH + 1),
                    new long[MAX_LENGTH + 1],
                    new ArrayList<>(Collections.nCopies(MAX_LENGTH + 1, "x")))) {
                assertThatThrownBy(() -> cache.put("over", over))
                        .as(over.getClass().getName())
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("'cachekit:e|over'")
                        .hasMessageContaining("maxLength " + MAX_LENGTH)
                        .hasMessageContaining("nothing was written");
                assertThat(cache.get("over", Object.class).isHit()).isFalse();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("loaded by getOrLoad fails before it is written, and the next getOrLoad loads again")
    void loaded(Codec codec) {
        AtomicInteger loads = new AtomicInteger();
        try (Cache cache = cache(codec)) {
            for (int i = 1; i <= 2; i++) {
                assertThatThrownBy(() -> cache.getOrLoad("big", String.class, () -> {
                            loads.incrementAndGet();
                            return "x".repeat(MAX_LENGTH + 1);
                        }))
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("'cachekit:e|big'")
                        .hasMessageContaining("maxLength " + MAX_LENGTH);
                assertThat(loads).hasValue(i);
                assertThat(cache.get("big", String.class).isHit()).isFalse();
            }
        }
    }

    @Test
    @DisplayName("a list that contains itself is refused by the jdk codec at put, and round-trips with kryo")
    void selfContainingList() {
        List<Object> list = new ArrayList<>();
        list.add("a");
        list.add(list);
        try (Cache jdk = cache(JdkCodec.create());
                Cache kryo = cache(KryoCodec.create())) {
            assertThatThrownBy(() -> jdk.put("self", list))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("'cachekit:e|self'")
                    .hasMessageContaining("contains itself");
            assertThat(jdk.get("self", Object.class).isHit()).isFalse();

            kryo.put("self", list);
            List<?> read = (List<?>) kryo.get("self", Object.class).value();
            assertThat(read).hasSize(2);
            assertThat(read.get(0)).isEqualTo("a");
            assertThat(read.get(1)).isSameAs(read);
        }
    }

    /** A record that may hold anything. */
    record Holder(Object value) implements java.io.Serializable {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kryo", "jdk"})
    @DisplayName(
            "a record or List.of reached again from inside itself is refused; entered from the list, it round-trips")
    void cycleThroughRecord(String name) {
        Codec codec = name.equals("kryo")
                ? KryoCodec.builder().allowClass(Holder.class).build()
                : JdkCodec.builder().allowClass(Holder.class).build();
        List<Object> list = new ArrayList<>();
        Holder holder = new Holder(list);
        list.add(holder);
        List<Object> other = new ArrayList<>();
        List<Object> immutable = List.of(other, "x");
        other.add(immutable);
        try (Cache cache = cache(codec)) {
            for (Object value : List.of(holder, immutable)) {
                assertThatThrownBy(() -> cache.put("cycle", value))
                        .as(value.getClass().getName())
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("'cachekit:e|cycle'")
                        .hasMessageContaining(value.getClass().getName() + " contains itself");
            }
            assertThat(cache.get("cycle", Object.class).isHit()).isFalse();

            cache.put("list", list);
            List<?> read = (List<?>) cache.get("list", Object.class).value();
            assertThat(((Holder) read.get(0)).value()).isSameAs(read);
        }
    }

    @Test
    @DisplayName("an unmodifiable list that contains itself is refused by kryo, which would read another value")
    void selfContainingRebuiltList() {
        List<Object> inner = new ArrayList<>();
        List<Object> view = Collections.unmodifiableList(inner);
        inner.add("a");
        inner.add(view);
        try (Cache kryo = cache(KryoCodec.create())) {
            for (Object value : List.of(view, inner)) {
                assertThatThrownBy(() -> kryo.put("view", value))
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("'cachekit:e|view'")
                        .hasMessageContaining("UnmodifiableRandomAccessList contains itself");
            }
        }
    }
}
