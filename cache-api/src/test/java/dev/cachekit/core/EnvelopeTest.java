package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CorruptEntryException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Envelope")
class EnvelopeTest {

    private static final byte[] PAYLOAD = "payload".getBytes(StandardCharsets.UTF_8);

    private static byte[] entry(List<String> tags, List<byte[]> versions) {
        return Envelope.encode(
                false,
                (byte) 1,
                1_000,
                61_000,
                tags.stream().map(Envelope::encodeName).toList(),
                versions,
                PAYLOAD);
    }

    @Test
    @DisplayName("reads every field back, the payload and tags in place within the entry's bytes")
    void roundTrip() {
        byte[] bytes =
                entry(List.of("a|b", "s\uD800", "users"), List.of(new byte[] {1}, new byte[0], new byte[] {7, 8}));
        Envelope envelope = Envelope.decode("k", bytes);

        assertThat(envelope.isNull()).isFalse();
        assertThat(envelope.codecId()).isEqualTo((byte) 1);
        assertThat(envelope.writtenAtMillis()).isEqualTo(1_000);
        assertThat(envelope.expiresAtMillis()).isEqualTo(61_000);
        assertThat(envelope.bytes()).isSameAs(bytes);
        assertThat(Arrays.copyOfRange(
                        bytes, envelope.payloadOffset(), envelope.payloadOffset() + envelope.payloadLength()))
                .isEqualTo(PAYLOAD);
        assertThat(envelope.tagCount()).isEqualTo(3);
        int first = envelope.firstTag();
        int second = envelope.nextTag(first);
        int third = envelope.nextTag(second);
        assertThat(List.of(envelope.tagName(first), envelope.tagName(second), envelope.tagName(third)))
                .containsExactly("a|b", "s\uD800", "users");
        assertThat(envelope.tagNameIs(second, Envelope.encodeName("s\uD800"))).isTrue();
        assertThat(envelope.tagNameIs(second, Envelope.encodeName("s?"))).isFalse();
        assertThat(envelope.tagNameIs(third, Envelope.encodeName("user"))).isFalse();
        assertThat(envelope.tagVersion(third)).containsExactly(7, 8);
        assertThat(envelope.tagVersionIs(third, new byte[] {7, 8})).isTrue();
        assertThat(envelope.tagVersionIs(third, new byte[] {7})).isFalse();
        assertThat(envelope.tagVersionIs(second, new byte[0])).isTrue();
        assertThat(envelope.tagVersionIs(first, null)).isFalse();
    }

    @Test
    @DisplayName("a new expiry changes the two times and the checksum, and nothing else")
    void withExpiry() {
        byte[] bytes = entry(List.of("users"), List.of(new byte[] {1}));
        byte[] before = bytes.clone();

        Envelope touched = Envelope.decode("k", Envelope.decode("k", bytes).withExpiry(5_000, 65_000));

        assertThat(bytes).as("the bytes read are left alone").isEqualTo(before);
        assertThat(touched.writtenAtMillis()).isEqualTo(5_000);
        assertThat(touched.expiresAtMillis()).isEqualTo(65_000);
        assertThat(touched.tagName(touched.firstTag())).isEqualTo("users");
        assertThat(Arrays.copyOfRange(touched.bytes(), 20, touched.bytes().length - 4))
                .isEqualTo(Arrays.copyOfRange(bytes, 20, bytes.length - 4));
    }

    @Test
    @DisplayName("a tag section whose lengths run past the payload is refused when the entry is read, checksum or not")
    void lengthsAreCheckedUpFront() {
        byte[] bytes = entry(List.of("users"), List.of(new byte[] {1}));
        // Claim a name longer than the whole entry, with a checksum that matches.
        bytes[22] = (byte) 0xFF;
        bytes[23] = (byte) 0xFF;
        reseal(bytes);

        assertThatThrownBy(() -> Envelope.decode("the-key", bytes))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("the-key")
                .hasMessageContaining("truncated or malformed header");
    }

    @Test
    @DisplayName("a version length past the end of the entry is refused")
    void versionLengthChecked() {
        byte[] bytes = entry(List.of("t"), List.of(new byte[] {1}));
        // tag count (2) at 20, name length (2) at 22, name "t" at 24, version length at 25
        bytes[25] = (byte) 0xFF;
        reseal(bytes);

        assertThatThrownBy(() -> Envelope.decode("k", bytes))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("truncated or malformed header");
    }

    private static void reseal(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int value = (int) crc.getValue();
        int at = bytes.length - 4;
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }
}
