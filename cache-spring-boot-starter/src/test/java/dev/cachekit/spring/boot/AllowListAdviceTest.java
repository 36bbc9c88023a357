package dev.cachekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CodecException;
import dev.cachekit.codec.Codec;
import dev.cachekit.codec.KryoCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The starter's codec advice")
class AllowListAdviceTest {

    record Point(int x, int y) {}

    private final Codec starters = new AllowListAdvice(KryoCodec.create());

    @Test
    @DisplayName("bytes naming a class outside the allow-list are refused naming the property and the builder call")
    void decodeNamesTheProperty() {
        byte[] bytes = KryoCodec.builder()
                .allowPackage("dev.cachekit.spring.boot.")
                .build()
                .encode(new Point(1, 2));
        assertThatThrownBy(() -> starters.decode(bytes, Object.class))
                .isInstanceOf(CodecException.class)
                .hasMessageContainingAll(
                        AllowListAdvice.PROPERTY,
                        ".allowPackage(\"dev.cachekit.spring.boot.\")",
                        Point.class.getName());
    }

    @Test
    @DisplayName("other codec failures pass unchanged, and values the list allows round-trip")
    void otherFailuresUnchanged() {
        Throwable plain = org.assertj.core.api.Assertions.catchThrowable(
                () -> KryoCodec.create().decode(new byte[] {1, 2, 3}, Object.class));
        assertThat(plain).isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> starters.decode(new byte[] {1, 2, 3}, Object.class))
                .isInstanceOf(plain.getClass())
                .hasMessage(plain.getMessage());
        assertThat(starters.decode(starters.encode("v"), String.class)).isEqualTo("v");
        assertThat(starters.id()).isEqualTo(KryoCodec.create().id());
    }
}
