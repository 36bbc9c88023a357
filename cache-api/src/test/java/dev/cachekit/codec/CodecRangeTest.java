package dev.cachekit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CodecException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Decoding part of an array")
class CodecRangeTest {

    static Stream<Codec> codecs() {
        return Stream.of(KryoCodec.create(), JdkCodec.create());
    }

    /** {@code bytes} with {@code before} and {@code after} bytes of 0x7F around them. */
    private static byte[] surrounded(byte[] bytes, int before, int after) {
        byte[] out = new byte[before + bytes.length + after];
        Arrays.fill(out, (byte) 0x7F);
        System.arraycopy(bytes, 0, out, before, bytes.length);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("reads the value in place, leaving the array as it was")
    void inPlace(Codec codec) {
        List<String> value = new ArrayList<>(List.of("a", "short ascii", "déjà vu", "x".repeat(300)));
        byte[] encoded = codec.encode(value);
        byte[] array = surrounded(encoded, 23, 9);
        byte[] before = array.clone();

        assertThat((Object) codec.decode(array, 23, encoded.length, List.class)).isEqualTo(value);
        assertThat((Object) codec.decode(array, 23, encoded.length, List.class)).isEqualTo(value);
        assertThat(array).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("never reads past the range, even where the array holds the missing byte")
    void staysInTheRange(Codec codec) {
        byte[] encoded = codec.encode("the whole value");

        assertThatThrownBy(() -> codec.decode(encoded, 0, encoded.length - 1, String.class))
                .isInstanceOf(CodecException.class);
        assertThat(codec.decode(encoded, 0, encoded.length, String.class)).isEqualTo("the whole value");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("refuses a range outside the array before reading anything")
    void rangeOutsideTheArray(Codec codec) {
        byte[] encoded = codec.encode("v");

        assertThatThrownBy(() -> codec.decode(encoded, 1, encoded.length, String.class))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> codec.decode(encoded, -1, 1, String.class))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    @DisplayName("each decode has the whole budget of its own entry, however often an instance is reused")
    void budgetIsPerDecode() {
        // One entry declares 3000 of the 4096 + 3003 elements it may: three decodes on one pooled
        // instance would exceed that if the budget carried over.
        KryoCodec codec = KryoCodec.builder().allocationRatio(1).build();
        byte[] encoded = codec.encode(new byte[3000]);

        for (int i = 0; i < 5; i++) {
            assertThat(codec.decode(encoded, byte[].class)).hasSize(3000);
        }
    }

    @Test
    @DisplayName("a decode that failed on a limit leaves nothing behind for the next one")
    void failureLeavesNothingBehind() {
        KryoCodec codec = KryoCodec.builder().maxLength(1000).build();
        byte[] tooLong = KryoCodec.create().encode(new byte[3000]);
        byte[] fits = codec.encode(new byte[1000]);

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> codec.decode(tooLong, byte[].class))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("maxLength 1000");
            assertThat(codec.decode(fits, byte[].class)).hasSize(1000);
        }
    }

    @Test
    @DisplayName("a codec that implements only whole-array decoding is given exactly the range")
    void defaultCopiesTheRange() {
        List<byte[]> given = new ArrayList<>();
        Codec wholeArraysOnly = new Codec() {
            @Override
            public byte id() {
                return 64;
            }

            @Override
            public String name() {
                return "text";
            }

            @Override
            public byte[] encode(Object value) {
                return ((String) value).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public <T> T decode(byte[] bytes, Class<T> type) {
                given.add(bytes);
                return type.cast(new String(bytes, StandardCharsets.UTF_8));
            }
        };
        byte[] array = "headerVALUEtrailer".getBytes(StandardCharsets.UTF_8);

        assertThat(wholeArraysOnly.decode(array, 6, 5, String.class)).isEqualTo("VALUE");
        assertThat(wholeArraysOnly.decode(array, 0, array.length, String.class)).isEqualTo("headerVALUEtrailer");
        assertThat(given.get(0)).isNotSameAs(array);
        assertThat(given.get(1)).as("the whole array needs no copy").isSameAs(array);
        assertThatThrownBy(() -> wholeArraysOnly.decode(array, 15, 5, String.class))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(given).hasSize(2);
    }
}
