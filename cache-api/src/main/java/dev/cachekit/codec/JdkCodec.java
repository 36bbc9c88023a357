package dev.cachekit.codec;

import dev.cachekit.CodecException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.Objects;

/**
 * Java serialization, for values that are {@link java.io.Serializable} and nothing else. Guarded
 * by the same kind of class allow-list as {@link KryoCodec}: a class outside it is refused before it
 * is loaded, and an {@link ObjectInputFilter} limits depth, array sizes and references.
 *
 * <p>Slower and larger than Kryo; use it when values must be read by code that only knows Java
 * serialization. Thread-safe.
 */
public final class JdkCodec implements Codec {

    /** The id of this codec in entry envelopes. */
    public static final byte ID = 2;

    private final ClassAllowList allowList;
    private final ClassLoader classLoader;
    private final ObjectInputFilter filter;

    private JdkCodec(Builder builder) {
        this.allowList = builder.allowList();
        this.classLoader = builder.loader();
        this.filter = info -> {
            if (info.depth() > 64 || info.references() > 1_000_000 || info.arrayLength() > 100_000_000) {
                return ObjectInputFilter.Status.REJECTED;
            }
            Class<?> type = info.serialClass();
            if (type != null && !type.isPrimitive() && !allowList.allows(type.getName())) {
                return ObjectInputFilter.Status.REJECTED;
            }
            return ObjectInputFilter.Status.UNDECIDED;
        };
    }

    /**
     * A codec that accepts only the default classes.
     *
     * @return the codec
     */
    public static JdkCodec create() {
        return builder().build();
    }

    /**
     * Starts a codec with the default allow-list (the same as {@link KryoCodec}'s).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public byte id() {
        return ID;
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public byte[] encode(Object value) {
        Objects.requireNonNull(value, "value");
        if (!allowList.allows(value.getClass().getName())) {
            throw new CodecException(ClassAllowList.adviceFor(value.getClass().getName(), "jdk"));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new CodecException("class " + e.getMessage() + " is not java.io.Serializable; use KryoCodec", e);
        } catch (IOException e) {
            throw new CodecException(
                    "jdk serialization of a " + value.getClass().getName() + " failed", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public <T> T decode(byte[] bytes, Class<T> type) {
        Objects.requireNonNull(type, "type");
        try (ObjectInputStream in = new AllowListInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter);
            return CodecTypes.cast(in.readObject(), type);
        } catch (NotAllowedException e) {
            throw new CodecException(ClassAllowList.adviceFor(e.className, "jdk"), e);
        } catch (InvalidClassException e) {
            throw new CodecException("jdk deserialization refused a class: " + e.getMessage(), e);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            if (e instanceof CodecException codecException) {
                throw codecException;
            }
            throw new CodecException("jdk deserialization failed: " + e, e);
        }
    }

    private final class AllowListInputStream extends ObjectInputStream {
        AllowListInputStream(ByteArrayInputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            String name = desc.getName();
            if (!allowList.allows(name)) {
                throw new NotAllowedException(name);
            }
            try {
                return Class.forName(name, false, classLoader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
            throw new NotAllowedException("java.lang.reflect.Proxy");
        }
    }

    private static final class NotAllowedException extends InvalidClassException {
        private static final long serialVersionUID = 1L;
        private final String className;

        NotAllowedException(String className) {
            super(className, "not on the allow-list");
            this.className = className;
        }
    }

    /** Configures a {@link JdkCodec}; see {@link AllowListBuilder}. */
    public static final class Builder extends AllowListBuilder<Builder, JdkCodec> {
        private Builder() {}

        @Override
        public JdkCodec build() {
            return new JdkCodec(this);
        }
    }
}
