package dev.cachekit.core;

import dev.cachekit.CorruptEntryException;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.KeyLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of a cache entry: a header the cache reads without the codec, then the payload.
 *
 * <pre>
 * magic      1 byte   0xCE
 * format     1 byte   1
 * flags      1 byte   bit 0: the cached value is null (no payload)
 * codec id   1 byte
 * written    8 bytes  epoch millis
 * expires    8 bytes  epoch millis, 0 = never
 * tag count  2 bytes
 *   per tag: name length (2 bytes), UTF-8 name, version length (1 byte), version
 * payload    4 bytes length, then the codec's bytes
 * checksum   4 bytes  CRC32C of everything before it
 * </pre>
 *
 * Tags are kept sorted by name, so the same set in any order gives the same bytes.
 */
record Envelope(
        boolean isNull,
        byte codecId,
        long writtenAtMillis,
        long expiresAtMillis,
        List<String> tagNames,
        List<byte[]> tagVersions,
        byte[] payload) {

    static final byte MAGIC = (byte) 0xCE;
    static final byte FORMAT = 1;
    private static final int FLAG_NULL = 1;
    private static final int HEADER_BYTES = 1 + 1 + 1 + 1 + 8 + 8 + 2;

    byte[] encode() {
        List<byte[]> names = new ArrayList<>(tagNames.size());
        int size = HEADER_BYTES + 4 + payload.length + 4;
        for (int i = 0; i < tagNames.size(); i++) {
            // Escaped as store keys are, so a name with a lone surrogate survives UTF-8 exactly.
            byte[] name = KeyLayout.escape(tagNames.get(i)).getBytes(StandardCharsets.UTF_8);
            if (name.length > 0xFFFF) {
                throw new IllegalArgumentException(
                        "tag " + Printable.quote(tagNames.get(i))
                                + " is longer than an entry can hold (65535 bytes once '%', '|' and lone surrogates are escaped)");
            }
            names.add(name);
            size += 2 + name.length + 1 + tagVersions.get(i).length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(MAGIC).put(FORMAT).put((byte) (isNull ? FLAG_NULL : 0)).put(codecId);
        out.putLong(writtenAtMillis).putLong(expiresAtMillis);
        out.putShort((short) names.size());
        for (int i = 0; i < names.size(); i++) {
            out.putShort((short) names.get(i).length).put(names.get(i));
            byte[] version = tagVersions.get(i);
            out.put((byte) version.length).put(version);
        }
        out.putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    static Envelope decode(String key, byte[] bytes) {
        if (bytes.length < HEADER_BYTES + 8) {
            throw new CorruptEntryException(key, "only " + bytes.length + " bytes, shorter than any cache entry");
        }
        if (bytes[0] != MAGIC) {
            throw new CorruptEntryException(key, "not written by cachekit (first byte " + (bytes[0] & 0xFF) + ")");
        }
        if (bytes[1] != FORMAT) {
            throw new CorruptEntryException(
                    key,
                    "written in entry format " + bytes[1] + ", this version reads format " + FORMAT
                            + "; upgrade cachekit or use another key prefix");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != readInt(bytes, bytes.length - 4)) {
            throw new CorruptEntryException(
                    key,
                    "checksum mismatch: the " + bytes.length
                            + " bytes are corrupted or truncated; the entry is ignored until rewritten");
        }
        // Read by index, not through a ByteBuffer: a read allocates only what it returns.
        int end = bytes.length - 4;
        boolean isNull = (bytes[2] & FLAG_NULL) != 0;
        byte codecId = bytes[3];
        long written = readLong(bytes, 4);
        long expires = readLong(bytes, 12);
        int count = readUnsignedShort(bytes, 20);
        int at = HEADER_BYTES;
        List<String> names;
        List<byte[]> versions;
        if (count == 0) {
            names = List.of();
            versions = List.of();
        } else {
            String[] nameArray = new String[count];
            byte[][] versionArray = new byte[count][];
            for (int i = 0; i < count; i++) {
                int nameLength = readUnsignedShort(bytes, require(key, at, 2, end));
                at += 2;
                require(key, at, nameLength, end);
                nameArray[i] = unescape(new String(bytes, at, nameLength, StandardCharsets.UTF_8));
                at += nameLength;
                int versionLength = Byte.toUnsignedInt(bytes[require(key, at, 1, end)]);
                at += 1;
                require(key, at, versionLength, end);
                versionArray[i] = Arrays.copyOfRange(bytes, at, at + versionLength);
                at += versionLength;
            }
            names = Arrays.asList(nameArray);
            versions = Arrays.asList(versionArray);
        }
        int length = readInt(bytes, require(key, at, 4, end));
        at += 4;
        if (length != end - at) {
            throw new CorruptEntryException(
                    key, "payload length " + length + " does not match the " + (end - at) + " bytes present");
        }
        byte[] payload = Arrays.copyOfRange(bytes, at, end);
        return new Envelope(isNull, codecId, written, expires, names, versions, payload);
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

    Envelope withExpiry(long writtenAt, long expiresAt) {
        return new Envelope(isNull, codecId, writtenAt, expiresAt, tagNames, tagVersions, payload);
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
