package dev.cachekit.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import dev.cachekit.CodecException;
import java.util.Objects;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * The default codec: Kryo 5, with pooled instances (Kryo is not thread-safe) and a class
 * allow-list.
 *
 * <p>Classes are written by name, not by registration id, so services that register their classes
 * in different orders still read each other's entries. Bytes that name a class outside the
 * allow-list fail with a {@link CodecException} naming the class, and the class is never loaded,
 * let alone initialized or instantiated. Writing such a class fails the same way, so a value that
 * could not be read back is never stored.
 *
 * <p>Allowed by default: {@code String}, the boxed primitives, {@code BigInteger}, {@code
 * BigDecimal}, {@code UUID}, {@code Date}, {@code Optional}, {@code Locale}, the common {@code
 * java.util} collections ({@code ArrayList}, {@code HashMap}, {@code TreeSet}, ...), {@code
 * java.time}, arrays of these and primitive arrays. Your own classes (including the types of
 * their fields) are added with {@link Builder#allowClass} or {@link Builder#allowPackage}.
 *
 * <pre>{@code
 * Codec codec = KryoCodec.builder().allowPackage("com.acme.shop.model.").build();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class KryoCodec implements Codec {

    /** The id of this codec in entry envelopes. */
    public static final byte ID = 1;

    private final ClassAllowList allowList;
    private final ClassLoader classLoader;
    private final Pool<Kryo> pool;

    private KryoCodec(Builder builder) {
        this.allowList = builder.allowList();
        this.classLoader = new AllowListClassLoader(builder.loader(), allowList);
        this.pool = new Pool<>(true, false, 64) {
            @Override
            protected Kryo create() {
                return newKryo();
            }
        };
    }

    /**
     * A codec that accepts only the default classes.
     *
     * @return the codec
     */
    public static KryoCodec create() {
        return builder().build();
    }

    /**
     * Starts a codec with the default allow-list.
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
        return "kryo";
    }

    @Override
    public byte[] encode(Object value) {
        Objects.requireNonNull(value, "value");
        Kryo kryo = pool.obtain();
        try (Output output = new Output(256, -1)) {
            kryo.writeClassAndObject(output, value);
            return output.toBytes();
        } catch (KryoException e) {
            throw translate(e, "encoding a " + value.getClass().getName());
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public <T> T decode(byte[] bytes, Class<T> type) {
        Objects.requireNonNull(type, "type");
        Kryo kryo = pool.obtain();
        Object value;
        try (Input input = new Input(bytes)) {
            value = kryo.readClassAndObject(input);
        } catch (KryoException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw translate(e, "decoding");
        } finally {
            pool.free(kryo);
        }
        return CodecTypes.cast(value, type);
    }

    private Kryo newKryo() {
        Kryo kryo = new Kryo(new AllowListClassResolver(allowList), null);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        kryo.setClassLoader(classLoader);
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        return kryo;
    }

    private static CodecException translate(RuntimeException e, String doing) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotAllowedException notAllowed) {
                return new CodecException(ClassAllowList.adviceFor(notAllowed.className, "kryo"), e);
            }
        }
        return new CodecException("kryo failed " + doing + ": " + e.getMessage(), e);
    }

    /** Refuses, at write time, classes outside the allow-list (read time is the class loader's job). */
    private static final class AllowListClassResolver extends DefaultClassResolver {
        private final ClassAllowList allowList;

        AllowListClassResolver(ClassAllowList allowList) {
            this.allowList = allowList;
        }

        @Override
        @SuppressWarnings("rawtypes") // Kryo's signature
        public Registration registerImplicit(Class type) {
            if (!allowList.allows(type.getName())) {
                throw new KryoException(new NotAllowedException(type.getName()));
            }
            return super.registerImplicit(type);
        }
    }

    /** Refuses to load classes outside the allow-list, so their static initializers never run. */
    private static final class AllowListClassLoader extends ClassLoader {
        private final ClassAllowList allowList;

        AllowListClassLoader(ClassLoader parent, ClassAllowList allowList) {
            super(parent);
            this.allowList = allowList;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!allowList.allows(name)) {
                throw new NotAllowedException(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    /** Thrown inside Kryo when a class is refused; translated into a {@link CodecException}. */
    private static final class NotAllowedException extends ClassNotFoundException {
        private static final long serialVersionUID = 1L;
        private final String className;

        NotAllowedException(String className) {
            super(className + " is not on the allow-list");
            this.className = className;
        }
    }

    /** Configures a {@link KryoCodec}; see {@link AllowListBuilder}. */
    public static final class Builder extends AllowListBuilder<Builder, KryoCodec> {
        private Builder() {}

        @Override
        public KryoCodec build() {
            return new KryoCodec(this);
        }
    }
}
