package dev.cachekit.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CodecException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KryoCodec")
class KryoCodecTest {

    record User(long id, String name, List<String> roles, Instant created) {}

    @Test
    @DisplayName("round-trips an allowed record with collections and java.time")
    void roundTrip() {
        KryoCodec codec = KryoCodec.builder().allowClass(User.class).build();
        User user = new User(42, "Ada", new ArrayList<>(List.of("admin")), Instant.parse("2026-01-01T00:00:00Z"));

        assertThat(codec.decode(codec.encode(user), User.class)).isEqualTo(user);
    }

    @Test
    @DisplayName("round-trips default types without any configuration")
    void defaults() {
        KryoCodec codec = KryoCodec.create();
        Map<String, Integer> map = new HashMap<>(Map.of("a", 1));

        assertThat((Object) codec.decode(codec.encode(map), Map.class)).isEqualTo(map);
        assertThat(codec.decode(codec.encode(7), int.class)).isEqualTo(7);
        assertThat(codec.decode(codec.encode(new byte[] {1, 2}), byte[].class)).containsExactly(1, 2);
    }

    @Test
    @DisplayName("refuses to write a class outside the allow-list, saying how to allow it")
    void refusesToWriteUnknownClass() {
        KryoCodec codec = KryoCodec.create();
        User user = new User(1, "x", new ArrayList<>(), Instant.EPOCH);

        assertThatThrownBy(() -> codec.encode(user))
                .isInstanceOf(CodecException.class)
                .hasMessage("class dev.cachekit.codec.KryoCodecTest$User is not on the kryo codec's allow-list;"
                        + " allow it with KryoCodec.builder().allowClass(\"dev.cachekit.codec.KryoCodecTest$User\")"
                        + " or .allowPackage(\"dev.cachekit.codec.\")");
    }

    @Test
    @DisplayName("bytes naming a class outside the allow-list fail and the class is never initialized")
    void neverInitializesForeignClass() {
        KryoCodec writer = KryoCodec.builder().allowClass(Harmless.class).build();
        byte[] bytes = renameClass(writer.encode(new Harmless()), "Harmless", "Poisoned");
        KryoCodec reader = KryoCodec.builder().allowClass(Harmless.class).build();

        assertThatThrownBy(() -> reader.decode(bytes, Object.class))
                .isInstanceOf(CodecException.class)
                .hasMessageStartingWith("class dev.cachekit.codec.Poisoned is not on the kryo codec's allow-list");
        assertThat(PoisonFlag.initialized)
                .as("Poisoned's static initializer ran")
                .isFalse();
    }

    @Test
    @DisplayName("garbage bytes fail with a codec error, not a wrong value")
    void garbage() {
        assertThatThrownBy(() -> KryoCodec.create().decode(new byte[] {1, 2, 3, 4, 5}, String.class))
                .isInstanceOf(CodecException.class);
    }

    @Test
    @DisplayName("a package prefix must end with a dot")
    void packagePrefix() {
        assertThatThrownBy(() -> KryoCodec.builder().allowPackage("com.acme"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a package prefix must end with a dot, like \"com.acme.model.\"; was \"com.acme\"");
    }

    /** Kryo writes a class name in ASCII with the high bit set on its last character. */
    static byte[] renameClass(byte[] bytes, String from, String to) {
        byte[] fromBytes = marked(from);
        byte[] toBytes = marked(to);
        byte[] copy = bytes.clone();
        outer:
        for (int i = 0; i + fromBytes.length <= copy.length; i++) {
            for (int j = 0; j < fromBytes.length; j++) {
                if (copy[i + j] != fromBytes[j]) {
                    continue outer;
                }
            }
            System.arraycopy(toBytes, 0, copy, i, toBytes.length);
            return copy;
        }
        throw new AssertionError("class name " + from + " not found in the bytes");
    }

    private static byte[] marked(String name) {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        ascii[ascii.length - 1] |= (byte) 0x80;
        return ascii;
    }
}
