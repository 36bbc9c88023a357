package dev.cachekit.core;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.spi.KeyLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of a cache entry: a header the cache reads without the codec, then the payload.
 *
 * <pre>
 * magic      1 byte   0xCE
 * format     1 byte   1 or 2
 * flags      1 byte   bit 0: the cached value is null (no payload)
 * codec id   1 byte
 * written    8 bytes  epoch millis
 * expires    8 bytes  epoch millis, 0 = never
 * load       4 bytes  format 2 only: how long the load that wrote the entry took, unsigned millis
 * tag count  2 bytes
 *   per tag: name length (2 bytes), UTF-8 name, version length (1 byte), version
 * payload    4 bytes length, then the codec's bytes
 * checksum   4 bytes  CRC32C of everything before it
 * </pre>
 *
 * Tags are kept sorted by name, so the same set in any order gives the same bytes.
 *
 * <p>Format 2 is format 1 with the load duration that refresh-ahead's XFetch rule needs. An entry
 * without one (a {@code put}, or a load that took under a millisecond) is written in format 1, so
 * it stays readable by versions that read only format 1; both formats are read.
 *
 * <p>An instance is a checked view over an entry's bytes: {@link #decode} verifies the checksum and
 * that every length fits, and keeps offsets, so a read copies neither the payload nor the tags. A
 * tag is addressed by its offset: {@link #firstTag()}, then {@link #nextTag}. The bytes are the
 * store's and are never modified.
 */
final class Envelope {

    static final byte MAGIC = (byte) 0xCE;
    /** The format of an entry without a load duration. */
    static final byte FORMAT = 1;
    /** The format of an entry with a load duration. */
    static final byte FORMAT_WITH_LOAD = 2;
    /** The longest load duration an entry records; longer ones are recorded as this. */
    static final long MAX_LOAD_MILLIS = 0xFFFF_FFFFL;

    private static final int FLAG_NULL = 1;
    private static final int HEADER_BYTES = 1 + 1 + 1 + 1 + 8 + 8 + 2;
    private static final int LOAD_BYTES = 4;
    private static final int WRITTEN_AT = 4;
    private static final int EXPIRES_AT = 12;
    private static final int LOAD_AT = 20;

    private final byte[] bytes;
    /** Where the tag count is, and so where the tags begin two bytes later: it depends on the format. */
    private final int tagCountAt;

    private final int tagCount;
    private final int payloadAt;
    private final int payloadLength;

    private Envelope(byte[] bytes, int tagCountAt, int tagCount, int payloadAt, int payloadLength) {
        this.bytes = bytes;
        this.tagCountAt = tagCountAt;
        this.tagCount = tagCount;
        this.payloadAt = payloadAt;
        this.payloadLength = payloadLength;
    }

    /**
     * The bytes of an entry.
     *
     * @param isNull whether the cached value is null
     * @param codecId the id of the codec that wrote the payload
     * @param writtenAtMillis the write time
     * @param expiresAtMillis the expiry, 0 for never
     * @param tagNames the tags, sorted, as {@link #encodeName} gives them (at most 65535 bytes
     *     each)
     * @param tagVersions their versions, in the same order, at most 255 bytes each
     * @param payload the codec's bytes (empty for a null)
     */
    static byte[] encode(
            boolean isNull,
            byte codecId,
            long writtenAtMillis,
            long expiresAtMillis,
            List<byte[]> tagNames,
            List<byte[]> tagVersions,
            byte[] payload) {
        return encode(isNull, codecId, writtenAtMillis, expiresAtMillis, 0, tagNames, tagVersions, payload);
    }

    /**
     * The bytes of an entry that records how long its load took: format 2, or format 1 when {@code
     * loadMillis} is 0.
     *
     * @param loadMillis the load's duration, 0 if none (a put); above {@link #MAX_LOAD_MILLIS}
     *     recorded as that
     */
    static byte[] encode(
            boolean isNull,
            byte codecId,
            long writtenAtMillis,
            long expiresAtMillis,
            long loadMillis,
            List<byte[]> tagNames,
            List<byte[]> tagVersions,
            byte[] payload) {
        boolean withLoad = loadMillis > 0;
        int size = HEADER_BYTES + (withLoad ? LOAD_BYTES : 0) + 4 + payload.length + 4;
        for (int i = 0; i < tagNames.size(); i++) {
            size += 2 + tagNames.get(i).length + 1 + tagVersions.get(i).length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(MAGIC)
                .put(withLoad ? FORMAT_WITH_LOAD : FORMAT)
                .put((byte) (isNull ? FLAG_NULL : 0))
                .put(codecId);
        out.putLong(writtenAtMillis).putLong(expiresAtMillis);
        if (withLoad) {
            out.putInt((int) Math.min(loadMillis, MAX_LOAD_MILLIS));
        }
        out.putShort((short) tagNames.size());
        for (int i = 0; i < tagNames.size(); i++) {
            byte[] name = tagNames.get(i);
            out.putShort((short) name.length).put(name);
            byte[] version = tagVersions.get(i);
            out.put((byte) version.length).put(version);
        }
        out.putInt(payload.length).put(payload);
        out.putInt(checksum(out.array(), out.position()));
        return out.array();
    }

    /**
     * A tag name as an entry holds it: escaped as store keys are (so a name with a lone surrogate
     * survives UTF-8 exactly), in UTF-8. An entry holds at most 65535 bytes of a name; the caller
     * checks.
     */
    static byte[] encodeName(String tag) {
        return KeyLayout.escape(tag).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks an entry's bytes (magic, format, checksum, and that every length fits) and keeps them.
     *
     * @throws CorruptEntryException naming {@code key} if they are not a whole entry
     */
    static Envelope decode(String key, byte[] bytes) {
        if (bytes.length < HEADER_BYTES + 8) {
            throw new CorruptEntryException(key, "only " + bytes.length + " bytes, shorter than any cache entry");
        }
        if (bytes[0] != MAGIC) {
            throw new CorruptEntryException(key, "not written by cachekit (first byte " + (bytes[0] & 0xFF) + ")");
        }
        if (bytes[1] != FORMAT && bytes[1] != FORMAT_WITH_LOAD) {
            throw new CorruptEntryException(
                    key,
                    "written in entry format " + bytes[1] + ", this version reads formats " + FORMAT + " and "
                            + FORMAT_WITH_LOAD + "; upgrade cachekit or use another key prefix");
        }
        int countAt = bytes[1] == FORMAT_WITH_LOAD ? LOAD_AT + LOAD_BYTES : LOAD_AT;
        if (bytes.length < countAt + 2 + 8) {
            throw new CorruptEntryException(key, "only " + bytes.length + " bytes, shorter than any cache entry");
        }
        int end = bytes.length - 4;
        if (checksum(bytes, end) != readInt(bytes, end)) {
            throw new CorruptEntryException(
                    key,
                    "checksum mismatch: the " + bytes.length
                            + " bytes are corrupted or truncated; the entry is ignored until rewritten");
        }
        // Every length is checked here, so the accessors below can read by offset without checks.
        int count = readUnsignedShort(bytes, countAt);
        int at = countAt + 2;
        for (int i = 0; i < count; i++) {
            int nameLength = readUnsignedShort(bytes, require(key, at, 2, end));
            at += 2;
            require(key, at, nameLength, end);
            at += nameLength;
            int versionLength = Byte.toUnsignedInt(bytes[require(key, at, 1, end)]);
            at += 1;
            require(key, at, versionLength, end);
            at += versionLength;
        }
        int length = readInt(bytes, require(key, at, 4, end));
        at += 4;
        if (length != end - at) {
            throw new CorruptEntryException(
                    key, "payload length " + length + " does not match the " + (end - at) + " bytes present");
        }
        return new Envelope(bytes, countAt, count, at, length);
    }

    boolean isNull() {
        return (bytes[2] & FLAG_NULL) != 0;
    }

    byte codecId() {
        return bytes[3];
    }

    long writtenAtMillis() {
        return readLong(bytes, WRITTEN_AT);
    }

    long expiresAtMillis() {
        return readLong(bytes, EXPIRES_AT);
    }

    /** How long the load that wrote the entry took, in millis; 0 if unknown (a put, or format 1). */
    long loadMillis() {
        return tagCountAt == LOAD_AT ? 0 : readInt(bytes, LOAD_AT) & 0xFFFF_FFFFL;
    }

    /** The entry's bytes, which hold the payload at {@link #payloadOffset()}. */
    byte[] bytes() {
        return bytes;
    }

    int payloadOffset() {
        return payloadAt;
    }

    int payloadLength() {
        return payloadLength;
    }

    int tagCount() {
        return tagCount;
    }

    /** The offset of the first tag (meaningful only if {@link #tagCount()} is not 0). */
    int firstTag() {
        return tagCountAt + 2;
    }

    /** The offset of the tag after the one at {@code tag}. */
    int nextTag(int tag) {
        int version = versionAt(tag);
        return version + 1 + Byte.toUnsignedInt(bytes[version]);
    }

    /** Whether the tag at {@code tag} has this name, as {@link #encodeName} gives it. */
    boolean tagNameIs(int tag, byte[] encodedName) {
        int length = readUnsignedShort(bytes, tag);
        return Arrays.equals(bytes, tag + 2, tag + 2 + length, encodedName, 0, encodedName.length);
    }

    /** The name of the tag at {@code tag}. */
    String tagName(int tag) {
        int length = readUnsignedShort(bytes, tag);
        return unescape(new String(bytes, tag + 2, length, StandardCharsets.UTF_8));
    }

    /** Whether the tag at {@code tag} records this version; false for null. */
    boolean tagVersionIs(int tag, byte[] version) {
        if (version == null) {
            return false;
        }
        int at = versionAt(tag);
        return Arrays.equals(bytes, at + 1, at + 1 + Byte.toUnsignedInt(bytes[at]), version, 0, version.length);
    }

    /** The version recorded for the tag at {@code tag}. */
    byte[] tagVersion(int tag) {
        int at = versionAt(tag);
        return Arrays.copyOfRange(bytes, at + 1, at + 1 + Byte.toUnsignedInt(bytes[at]));
    }

    /** The offset of the version length of the tag at {@code tag}. */
    private int versionAt(int tag) {
        return tag + 2 + readUnsignedShort(bytes, tag);
    }

    /** The same entry with another write time and expiry: its bytes, the checksum recomputed. */
    byte[] withExpiry(long writtenAt, long expiresAt) {
        byte[] copy = bytes.clone();
        writeLong(copy, WRITTEN_AT, writtenAt);
        writeLong(copy, EXPIRES_AT, expiresAt);
        int end = copy.length - 4;
        writeInt(copy, end, checksum(copy, end));
        return copy;
    }

    private static int checksum(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    /** {@code at}, if {@code bytes} more fit before {@code end}; the entry is corrupt otherwise. */
    private static int require(String key, int at, int bytes, int end) {
        if (bytes > end - at) {
            throw new CorruptEntryException(key, "truncated or malformed header");
        }
        return at;
    }

    private static int readUnsignedShort(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 24)
                | ((bytes[at + 1] & 0xFF) << 16)
                | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }

    private static long readLong(byte[] bytes, int at) {
        return ((long) readInt(bytes, at) << 32) | (readInt(bytes, at + 4) & 0xFFFFFFFFL);
    }

    private static void writeInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    private static void writeLong(byte[] bytes, int at, long value) {
        writeInt(bytes, at, (int) (value >>> 32));
        writeInt(bytes, at + 4, (int) value);
    }

    private static boolean isHex(String text, int from, int to) {
        if (to > text.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The inverse of {@link KeyLayout#escape}: {@code %25}, {@code %7C} and {@code %uXXXX} back. */
    static String unescape(String escaped) {
        if (escaped.indexOf('%') < 0) {
            return escaped;
        }
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%' && escaped.startsWith("25", i + 1)) {
                out.append('%');
                i += 2;
            } else if (c == '%' && escaped.startsWith("7C", i + 1)) {
                out.append('|');
                i += 2;
            } else if (c == '%' && escaped.startsWith("u", i + 1) && isHex(escaped, i + 2, i + 6)) {
                out.append((char) Integer.parseInt(escaped.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
