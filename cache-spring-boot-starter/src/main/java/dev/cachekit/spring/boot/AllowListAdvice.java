package dev.cachekit.spring.boot;

import dev.cachekit.CodecException;
import dev.cachekit.codec.Codec;

/**
 * The starter's codec: the one it configured, whose allow-list refusals also name the property that
 * allows a package in Spring Boot ({@value #PROPERTY}), beside the builder call that a plain
 * application would use. Every other outcome is the codec's own.
 */
final class AllowListAdvice implements Codec {

    /** The property that lists the packages the codec may read and write. */
    static final String PROPERTY = "cachekit.codec.allow-packages";

    private final Codec codec;

    AllowListAdvice(Codec codec) {
        this.codec = codec;
    }

    @Override
    public byte id() {
        return codec.id();
    }

    @Override
    public String name() {
        return codec.name();
    }

    @Override
    public byte[] encode(Object value) {
        try {
            return codec.encode(value);
        } catch (CodecException e) {
            throw advised(e);
        }
    }

    @Override
    public <T> T decode(byte[] bytes, Class<T> type) {
        try {
            return codec.decode(bytes, type);
        } catch (CodecException e) {
            throw advised(e);
        }
    }

    @Override
    public <T> T decode(byte[] bytes, int offset, int length, Class<T> type) {
        try {
            return codec.decode(bytes, offset, length, type);
        } catch (CodecException e) {
            throw advised(e);
        }
    }

    @Override
    public void checkEncodable(Class<?> type) {
        try {
            codec.checkEncodable(type);
        } catch (CodecException e) {
            throw advised(e);
        }
    }

    /** A refusal by the allow-list gains the property; any other failure (and subtype) stays as it is. */
    private static CodecException advised(CodecException e) {
        String message = e.getMessage();
        if (e.getClass() != CodecException.class || message == null || !message.contains("allow-list")) {
            return e;
        }
        return new CodecException(message + "; in Spring Boot, add the package to " + PROPERTY, e);
    }

    @Override
    public String toString() {
        return codec.toString();
    }
}
