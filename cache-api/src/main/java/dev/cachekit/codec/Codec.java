package dev.cachekit.codec;

import dev.cachekit.CodecException;

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
