package dev.cachekit.codec;

import dev.cachekit.CodecException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns values into bytes and back. The codec's {@link #id()} is written into every entry, so an
 * entry written by one codec is never decoded by another.
 *
 * <p>Implementations are thread-safe, and refuse to decode classes they were not told to accept:
 * a cache shared by many services must not be a way to run code in them.
 */
public interface Codec {

    /**
     * The id written into each entry; 1 to 127. Ids 1 ({@link KryoCodec}) and 2 ({@link
     * JdkCodec}) are taken; custom codecs use 64 and above.
     *
     * @return the codec id
     */
    byte id();

    /**
     * A short name for messages, such as {@code kryo}.
     *
     * @return the name
     */
    String name();

    /**
     * Encodes a value.
     *
     * @param value a non-null value
     * @return its bytes
     * @throws CodecException if the value's class is not accepted or cannot be encoded
     */
    byte[] encode(Object value);

    /**
     * Decodes a value.
     *
     * @param bytes bytes written by {@link #encode}
     * @param type the expected type
     * @param <T> the expected type
     * @return the value
     * @throws CodecException if the bytes name a class outside the allow-list, are malformed, or
     *     hold a value of another type
     */
    <T> T decode(byte[] bytes, Class<T> type);

    /**
     * Decodes a value from part of an array: the cache calls this with the entry as read from the
     * store, whose header precedes the payload, so the payload need not be copied out. The bytes
     * outside the range are none of the codec's business and must not be read.
     *
     * <p>The default copies the range and calls {@link #decode(byte[], Class)}, so a codec that
     * implements only that keeps working; a codec that can read in place overrides this. Either
     * way the array must not be modified.
     *
     * @param bytes an array holding bytes written by {@link #encode}
     * @param offset where they start
     * @param length how many there are
     * @param type the expected type
     * @param <T> the expected type
     * @return the value
     * @throws IndexOutOfBoundsException if the range is not within the array
     * @throws CodecException as {@link #decode(byte[], Class)} does
     */
    default <T> T decode(byte[] bytes, int offset, int length, Class<T> type) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        byte[] range =
                offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length);
        return decode(range, type);
    }

    /**
     * Fails if this codec would refuse to encode values of {@code type}, so a caller can find out
     * before doing expensive work to produce one ({@code getOrLoad} calls it before its loader).
     * Types the codec cannot judge from the class alone (interfaces, abstract classes) pass. The
     * default accepts every type.
     *
     * @param type the type of the values to be encoded
     * @throws CodecException if the codec refuses values of {@code type}, saying how to allow it
     */
    default void checkEncodable(Class<?> type) {}
}
