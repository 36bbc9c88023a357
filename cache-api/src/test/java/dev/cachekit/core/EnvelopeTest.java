package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.CorruptEntryException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
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

    /** An entry as format 1 writes it (a put): tag "users" version 7, payload "payload". */
    private static final String FORMAT_1 =
            "ce01000100000000000003e8000000000000ee48" + "0001000575736572730107000000077061796c6f6164a010a91e";

    private static byte[] withLoad(long loadMillis, List<String> tags, List<byte[]> versions) {
        return Envelope.encode(
                false,
                (byte) 1,
                1_000,
                61_000,
                loadMillis,
                tags.stream().map(Envelope::encodeName).toList(),
                versions,
                PAYLOAD);
    }

    @Test
    @DisplayName("an entry in format 1, as written before load durations, still reads, with no load duration")
    void readsFormat1() {
        byte[] bytes = HexFormat.of().parseHex(FORMAT_1);
        Envelope envelope = Envelope.decode("k", bytes);

        assertThat(envelope.writtenAtMillis()).isEqualTo(1_000);
        assertThat(envelope.expiresAtMillis()).isEqualTo(61_000);
        assertThat(envelope.loadMillis()).isZero();
        assertThat(envelope.tagName(envelope.firstTag())).isEqualTo("users");
        assertThat(envelope.tagVersion(envelope.firstTag())).containsExactly(7);
        assertThat(Arrays.copyOfRange(
                        bytes, envelope.payloadOffset(), envelope.payloadOffset() + envelope.payloadLength()))
                .isEqualTo(PAYLOAD);
        assertThat(entry(List.of("users"), List.of(new byte[] {7})))
                .as("an entry without a load duration is still written in format 1, byte for byte")
                .isEqualTo(bytes);
    }

    @Test
    @DisplayName("format 2 records the load duration and reads every other field back as format 1 does")
    void format2RoundTrip() {
        byte[] bytes = withLoad(1234, List.of("a|b", "users"), List.of(new byte[] {1}, new byte[] {7, 8}));
        Envelope envelope = Envelope.decode("k", bytes);

        assertThat(bytes[1]).isEqualTo(Envelope.FORMAT_WITH_LOAD);
        assertThat(bytes)
                .hasSize(entry(List.of("a|b", "users"), List.of(new byte[] {1}, new byte[] {7, 8})).length + 4);
        assertThat(envelope.loadMillis()).isEqualTo(1234);
        assertThat(envelope.writtenAtMillis()).isEqualTo(1_000);
        assertThat(envelope.expiresAtMillis()).isEqualTo(61_000);
        assertThat(envelope.tagCount()).isEqualTo(2);
        int first = envelope.firstTag();
        assertThat(envelope.tagName(first)).isEqualTo("a|b");
        assertThat(envelope.tagVersion(envelope.nextTag(first))).containsExactly(7, 8);
        assertThat(Arrays.copyOfRange(
                        bytes, envelope.payloadOffset(), envelope.payloadOffset() + envelope.payloadLength()))
                .isEqualTo(PAYLOAD);

        Envelope touched = Envelope.decode("k", envelope.withExpiry(5_000, 65_000));
        assertThat(touched.loadMillis()).as("a touch keeps the load duration").isEqualTo(1234);
        assertThat(touched.expiresAtMillis()).isEqualTo(65_000);
    }

    @Test
    @DisplayName("a load duration beyond 4 unsigned bytes is recorded as the largest they hold, never as negative")
    void loadMillisCapped() {
        assertThat(Envelope.decode("k", withLoad(Long.MAX_VALUE, List.of(), List.of()))
                        .loadMillis())
                .isEqualTo(Envelope.MAX_LOAD_MILLIS);
        assertThat(Envelope.decode("k", withLoad(0xFFFF_FFF0L, List.of(), List.of()))
                        .loadMillis())
                .isEqualTo(0xFFFF_FFF0L);
    }

    @Test
    @DisplayName("format 2 lengths are checked as format 1's are: a tag count past the end, a truncated header")
    void format2Hostile() {
        byte[] bytes = withLoad(5, List.of("t"), List.of(new byte[] {1}));
        // tag count at 24 in format 2: claim 65535 tags
        bytes[24] = (byte) 0xFF;
        bytes[25] = (byte) 0xFF;
        reseal(bytes);
        assertThatThrownBy(() -> Envelope.decode("k", bytes))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("truncated or malformed header");

        // A format 1 entry of the smallest size, relabelled format 2: too short for the load field.
        byte[] small = Envelope.encode(false, (byte) 1, 1, 2, List.of(), List.of(), new byte[0]);
        small[1] = Envelope.FORMAT_WITH_LOAD;
        reseal(small);
        assertThatThrownBy(() -> Envelope.decode("k", small))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("shorter than any cache entry");

        // A format 1 entry relabelled format 2 with room to spare: its lengths no longer add up.
        byte[] relabelled = entry(List.of("users"), List.of(new byte[] {7}));
        relabelled[1] = Envelope.FORMAT_WITH_LOAD;
        reseal(relabelled);
        assertThatThrownBy(() -> Envelope.decode("k", relabelled)).isInstanceOf(CorruptEntryException.class);
    }

    @Test
    @DisplayName("a format this version does not know is refused, naming the formats it reads")
    void unknownFormat() {
        byte[] bytes = entry(List.of(), List.of());
        bytes[1] = 3;
        reseal(bytes);
        assertThatThrownBy(() -> Envelope.decode("the-key", bytes))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("the-key")
                .hasMessageContaining("format 3")
                .hasMessageContaining("formats 1 and 2");
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
