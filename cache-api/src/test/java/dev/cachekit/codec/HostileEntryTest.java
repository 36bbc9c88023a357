package dev.cachekit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.esotericsoftware.kryo.io.Output;
import dev.cachekit.CodecException;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Entries written by someone hostile: each must fail fast with a {@link CodecException}, whatever
 * the codec library would have thrown, and before the reader allocates what the entry declares.
 * Timeouts here are generous safety nets (a spinning decode would take hours), not measurements.
 */
@DisplayName("A hostile entry")
class HostileEntryTest {

    static Stream<Codec> codecs() {
        return Stream.of(KryoCodec.create(), JdkCodec.create());
    }

    /**
     * The bytes a writer without the codec's checks would store: no read-back, and for Kryo no
     * depth limit. The codec itself refuses to write any of these values.
     */
    static byte[] written(Codec codec, Object value) {
        return codec instanceof KryoCodec
                ? KryoCodec.builder().maxDepth(100_000).build().write(value)
                : ((JdkCodec) codec).write(value);
    }

    /** The "SerialDOS" shape: each set holds two sets that share their children, so hashing is 2^depth. */
    static Set<Object> serialDos(int depth) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    @Nested
    @DisplayName("of nested shared sets (SerialDOS)")
    class NestedSets {

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.cachekit.codec.HostileEntryTest#codecs")
        @Timeout(60)
        @DisplayName("100 levels deep fails on the depth limit instead of spinning")
        void deep(Codec codec) {
            byte[] bytes = written(codec, serialDos(100));

            assertThat(bytes.length).isLessThan(10_000);
            assertThatThrownBy(() -> codec.decode(bytes, Object.class))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining(codec.name())
                    .hasMessageContaining("maxDepth 64");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.cachekit.codec.HostileEntryTest#codecs")
        @Timeout(60)
        @DisplayName("within the depth limit fails on the hashing work it would cause")
        void shallow(Codec codec) {
            byte[] bytes = written(codec, serialDos(28));

            assertThatThrownBy(() -> codec.encode(serialDos(28)))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("could not read back")
                    .hasMessageContaining("hashing");
            assertThatThrownBy(() -> codec.decode(bytes, Object.class))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining(codec.name())
                    .hasMessageContaining("hashing");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.cachekit.codec.HostileEntryTest#codecs")
        @DisplayName("a few shallow levels still decode (the limit is not a ban on nested sets)")
        void harmless(Codec codec) {
            // Built bottom-up, so every set's hash is current; shared children, like SerialDOS.
            Set<Object> left = new HashSet<>(Set.of("foo"));
            Set<Object> right = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                Set<Object> nextLeft = new HashSet<>(List.of(left, right, "foo"));
                right = new HashSet<>(List.of(left, right));
                left = nextLeft;
            }
            Set<Object> value = left;

            assertThat(codec.decode(codec.encode(value), Object.class)).isEqualTo(value);
        }
    }

    @Nested
    @DisplayName("declaring 2^31 elements in a few bytes")
    class DeclaredLengths {

        @Test
        @Timeout(60)
        @DisplayName("with Kryo, fails for every kind of length before allocating it")
        void kryo() {
            KryoCodec codec = KryoCodec.create();
            for (Object empty : List.of(
                    new ArrayList<>(),
                    new HashMap<>(),
                    new HashSet<>(),
                    new byte[0],
                    new int[0],
                    new long[0],
                    new double[0],
                    new char[0],
                    new String[0],
                    new Object[0],
                    new UUID[0],
                    List.of(),
                    Map.of(),
                    Arrays.asList())) {
                byte[] encoded = codec.encode(empty);
                // The empty value ends with its length (0, written as 1 where 0 means null).
                byte[] prefix = Arrays.copyOf(encoded, encoded.length - 1);
                int lastByte = encoded[encoded.length - 1];
                int declared = lastByte == 1 ? Integer.MAX_VALUE : Integer.MAX_VALUE - 1;
                byte[] hostile = kryoBytes(prefix, output -> output.writeVarInt(declared, true));

                assertThatThrownBy(() -> codec.decode(hostile, Object.class))
                        .as(empty.getClass().getName())
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("kryo")
                        .hasMessageContaining("maxLength 10000000");
            }
        }

        @Test
        @Timeout(60)
        @DisplayName("with Kryo, a string of 2^31 chars fails before allocating them")
        void kryoString() {
            KryoCodec codec = KryoCodec.create();
            byte[] encoded = codec.encode("\u00e9");
            // The non-ASCII form: a flagged char count (1 + chars), then UTF-8 bytes.
            byte[] prefix = Arrays.copyOf(encoded, encoded.length - 3);
            byte[] hostile = kryoBytes(prefix, output -> output.writeVarIntFlag(true, Integer.MAX_VALUE, true));

            assertThatThrownBy(() -> codec.decode(hostile, Object.class))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("string");
        }

        @Test
        @Timeout(60)
        @DisplayName("within maxLength but beyond what the entry's bytes can hold fails too")
        void beyondTheBytes() {
            KryoCodec codec = KryoCodec.create();
            byte[] encoded = codec.encode(new ArrayList<>());
            byte[] hostile = kryoBytes(
                    Arrays.copyOf(encoded, encoded.length - 1), output -> output.writeVarInt(5_000_001, true));

            assertThatThrownBy(() -> codec.decode(hostile, Object.class))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("bytes of the entry are left");
        }

        @Test
        @Timeout(60)
        @DisplayName("with Java serialization, an ArrayList, HashMap or array declaring 2^31 fails")
        void jdk() throws Exception {
            JdkCodec codec = JdkCodec.create();
            for (Object value : List.of(
                    new ArrayList<>(List.of("x")),
                    new HashMap<>(Map.of("x", "y")),
                    new HashSet<>(Set.of("x")),
                    List.of("x"),
                    new long[] {7},
                    new String[] {"x"})) {
                byte[] hostile = jdkWithLength(codec, value, Integer.MAX_VALUE);

                assertThatThrownBy(() -> codec.decode(hostile, Object.class))
                        .as(value.getClass().getName())
                        .isInstanceOf(CodecException.class)
                        .hasMessageContaining("jdk");
            }
        }
    }

    @Nested
    @DisplayName("of 500 KB of nested lists")
    class NestedLists {

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.cachekit.codec.HostileEntryTest#codecs")
        @Timeout(60)
        @DisplayName("fails on the depth limit, not with a StackOverflowError")
        void deepLists(Codec codec) {
            byte[] hostile = deepOpening(codec, 500_000);

            assertThat(hostile.length).isGreaterThan(400_000);
            assertThatThrownBy(() -> codec.decode(hostile, Object.class))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("maxDepth 64");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.cachekit.codec.HostileEntryTest#codecs")
        @DisplayName("a builder can lower the depth limit, and the message names it")
        void lowerLimit(Codec defaults) {
            Codec codec = defaults instanceof KryoCodec
                    ? KryoCodec.builder().maxDepth(3).build()
                    : JdkCodec.builder().maxDepth(3).build();

            assertThat(codec.decode(codec.encode(nested(1)), Object.class)).isEqualTo(nested(1));
            assertThatThrownBy(() -> codec.decode(codec.encode(nested(10)), Object.class))
                    .isInstanceOf(CodecException.class)
                    .hasMessageContaining("maxDepth 3");
        }

        static List<Object> nested(int depth) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < depth; i++) {
                List<Object> outer = new ArrayList<>();
                outer.add(list);
                list = outer;
            }
            return list;
        }
    }

    @Nested
    @DisplayName("mutated from a valid one")
    class Mutations {

        record Order(long id, String customer, List<String> lines, Instant at) {}

        private final List<Object> values = List.of(
                new ArrayList<>(List.of("a", "bc", "déf")),
                new HashMap<>(Map.of("k", 1L, "l", 2.5d)),
                new LinkedHashMap<>(Map.of("x", List.of(1, 2))),
                new HashSet<>(Set.of(UUID.randomUUID(), UUID.randomUUID())),
                new BigDecimal("12345.6789"),
                LocalDate.of(2026, 11, 30),
                ZonedDateTime.parse("2026-11-30T10:15:30+01:00[Europe/Paris]"),
                new int[] {1, -2, 300000},
                List.of("immutable", "list"),
                Map.of("a", "b"));

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.cachekit.codec.HostileEntryTest#codecs")
        @Timeout(120)
        @DisplayName("with every byte flipped, fails only with a CodecException")
        void everyByte(Codec codec) {
            Codec withRecord = codec instanceof KryoCodec
                    ? KryoCodec.builder().allowClass(Order.class).build()
                    : codec;
            List<Object> all = new ArrayList<>(values);
            if (withRecord != codec) {
                all.add(new Order(7, "Ada", List.of("one", "two"), Instant.parse("2026-01-01T00:00:00Z")));
            }
            int decodes = 0;
            for (Object value : all) {
                byte[] valid = withRecord.encode(value);
                for (int i = 0; i < valid.length; i++) {
                    for (int flip : new int[] {0xFF, 0x01, 0x80}) {
                        byte[] mutated = valid.clone();
                        mutated[i] ^= (byte) flip;
                        try {
                            withRecord.decode(mutated, Object.class);
                        } catch (CodecException expected) {
                            assertThat(expected.getMessage()).doesNotContain("\n");
                        } catch (Throwable t) {
                            fail(
                                    "byte " + i + " of a " + value.getClass().getName() + " xor " + flip + " threw "
                                            + t,
                                    t);
                        }
                        decodes++;
                    }
                }
            }
            assertThat(decodes).isGreaterThan(300);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.cachekit.codec.HostileEntryTest#codecs")
        @DisplayName("cut short at every length, fails only with a CodecException")
        void truncated(Codec codec) {
            for (Object value : values) {
                byte[] valid = codec.encode(value);
                for (int length = 0; length < valid.length; length++) {
                    byte[] cut = Arrays.copyOf(valid, length);
                    try {
                        codec.decode(cut, Object.class);
                    } catch (CodecException expected) {
                        // the only acceptable failure
                    } catch (Throwable t) {
                        fail(length + " bytes of a " + value.getClass().getName() + " threw " + t, t);
                    }
                }
            }
        }
    }

    interface Writes {
        void to(Output output);
    }

    static byte[] kryoBytes(byte[] prefix, Writes rest) {
        try (Output output = new Output(64, -1)) {
            output.writeBytes(prefix);
            rest.to(output);
            output.writeBytes(new byte[] {2, 2, 2, 2});
            return output.toBytes();
        }
    }

    /**
     * The encoding of value with its first length field replaced: Java serialization writes a
     * one-element collection's size (and an array's length) as a 4-byte int 1.
     */
    static byte[] jdkWithLength(JdkCodec codec, Object value, int length) {
        byte[] bytes = codec.encode(value);
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 0 && bytes[i + 3] == 1) {
                byte[] copy = bytes.clone();
                copy[i] = (byte) (length >>> 24);
                copy[i + 1] = (byte) (length >>> 16);
                copy[i + 2] = (byte) (length >>> 8);
                copy[i + 3] = (byte) length;
                try {
                    codec.decode(copy, Object.class);
                } catch (CodecException refused) {
                    return copy;
                }
            }
        }
        throw new AssertionError(
                "no length field found in the encoding of " + value.getClass().getName());
    }

    /**
     * The opening of a list nested far deeper than any encoder would write: the encodings of 20 and
     * 21 levels share a prefix whose tail repeats one level's opening bytes, which is repeated up
     * to the target size. The closing bytes are left out; a decoder must refuse long before.
     */
    static byte[] deepOpening(Codec codec, int targetBytes) {
        byte[] a = written(codec, NestedLists.nested(20));
        byte[] b = written(codec, NestedLists.nested(21));
        int common = 0;
        while (common < a.length && a[common] == b[common]) {
            common++;
        }
        for (int period = 1; period <= 64; period++) {
            boolean periodic = true;
            for (int i = common / 2; i + period < common && periodic; i++) {
                periodic = b[i] == b[i + period];
            }
            if (periodic) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(targetBytes + 64);
                out.write(b, 0, common);
                while (out.size() < targetBytes) {
                    out.write(b, common - period, period);
                }
                return out.toByteArray();
            }
        }
        throw new AssertionError("no repeating level in the encoding");
    }
}
