package dev.cachekit.codec;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import dev.cachekit.CodecException;
import dev.cachekit.internal.Printable;
import java.util.Objects;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * The default codec: Kryo 5, with pooled instances (Kryo is not thread-safe) and a class
 * allow-list.
 *
 * <p>Classes are written by name, not by registration id, so services that register their classes
 * in different orders still read each other's entries. Bytes that name a class outside the
 * allow-list fail with a {@link CodecException} naming the class, and the class is never loaded,
 * let alone initialized or instantiated. Writing such a class fails the same way, and so does
 * writing anything else this codec would refuse to read: {@link #encode} reads its bytes back under
 * the same limits, so a value that could not be read back is never stored.
 *
 * <p>Allowed by default: {@code String}, the boxed primitives, {@code BigInteger}, {@code
 * BigDecimal}, {@code UUID}, {@code Date}, {@code Optional}, {@code Locale}, the common {@code
 * java.util} collections ({@code ArrayList}, {@code HashMap}, {@code TreeSet}, ...), {@code
 * java.time}, arrays of these and primitive arrays. Your own classes (including the types of
 * their fields) are added with {@link Builder#allowClass} or {@link Builder#allowPackage}. The
 * JDK's immutable and unmodifiable collections ({@code List.of}, {@code Map.of}, {@code
 * Collections.unmodifiableList}, {@code emptyList}, {@code singletonList}, {@code Arrays.asList},
 * ...) are allowed too, and records whose components are allowed once the record is. A {@link
 * java.lang.reflect.Proxy} is allowed when every interface it implements is (its handler is judged
 * by its own class); a refused one is named with its interfaces and the calls that allow them.
 *
 * <p>Decoding is bounded (see {@link AllowListBuilder#maxDepth}, {@link AllowListBuilder#maxLength}
 * and {@link AllowListBuilder#allocationRatio}): lengths are checked before anything of that length
 * is allocated, so a small hostile entry can neither hang a reader nor exhaust its heap. Whatever
 * goes wrong while decoding surfaces as a {@link CodecException}.
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
    private final DecodeLimits limits;
    private final KryoPool<KryoGuards.GuardedKryo> pool;

    private KryoCodec(Builder builder) {
        this.allowList = builder.allowList();
        this.limits = builder.limits();
        this.classLoader = new AllowListClassLoader(builder.loader(), allowList);
        this.pool = new KryoPool<>(this::newKryo);
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

    /**
     * Encodes a value, and reads the bytes back as {@link #decode} would, so that a value this codec
     * would refuse to read (a string or collection longer than {@code maxLength}, a graph deeper
     * than {@code maxDepth}, collections whose hashing exceeds the entry's allowance, a class off
     * the allow-list) fails here, naming the limit, instead of being stored and failing every read.
     *
     * @throws CodecException if the value cannot be written, or could not be read back
     */
    @Override
    public byte[] encode(Object value) {
        byte[] bytes = write(value);
        if (!limits.readsBackTrivially(value)) {
            readBack(bytes, value);
        }
        return bytes;
    }

    /** The bytes of a value, without reading them back: what a writer without the check stored. */
    byte[] write(Object value) {
        Objects.requireNonNull(value, "value");
        KryoGuards.GuardedKryo kryo = pool.obtain();
        boolean healthy = false;
        try (Output output = new Output(256, -1)) {
            kryo.writeClassAndObject(output, value);
            healthy = true;
            return output.toBytes();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError | LinkageError e) {
            throw translate(e, "encoding a " + value.getClass().getName());
        } finally {
            release(kryo, healthy);
        }
    }

    private void readBack(byte[] bytes, Object value) {
        try {
            decode(bytes, 0, bytes.length, Object.class);
        } catch (CodecException e) {
            throw new CodecException(
                    "kryo refused to write a " + value.getClass().getName()
                            + " that it could not read back; nothing was written: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void checkEncodable(Class<?> type) {
        allowList.checkEncodable(type, "kryo");
    }

    @Override
    public <T> T decode(byte[] bytes, Class<T> type) {
        Objects.requireNonNull(bytes, "bytes");
        return decode(bytes, 0, bytes.length, type);
    }

    /** Reads the range in place: no copy of the bytes, and no input or budget made per call. */
    @Override
    public <T> T decode(byte[] bytes, int offset, int length, Class<T> type) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        KryoGuards.GuardedKryo kryo = pool.obtain();
        boolean healthy = false;
        Object value;
        try {
            KryoGuards.BoundedInput input = kryo.input;
            input.start(bytes, offset, length);
            value = kryo.readClassAndObject(input);
            input.finish();
            healthy = true;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError | LinkageError e) {
            throw translate(e, "decoding the entry");
        } finally {
            release(kryo, healthy);
        }
        return CodecTypes.cast(value, type);
    }

    /** A Kryo instance that failed half-way may hold state from that graph: it is dropped, not reused. */
    private void release(KryoGuards.GuardedKryo kryo, boolean healthy) {
        if (healthy) {
            pool.free(kryo);
        }
    }

    private KryoGuards.GuardedKryo newKryo() {
        KryoGuards.GuardedKryo kryo =
                new KryoGuards.GuardedKryo(new AllowListClassResolver(allowList, classLoader), limits, allowList);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        kryo.setClassLoader(classLoader);
        kryo.setMaxDepth(limits.maxDepth());
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        KryoGuards.install(kryo);
        // Registered, so written by id: the resolver never sees the handler interface's name.
        // A proxy class is defined in the loader that sees its interfaces, not the allow-list's: its
        // code links JDK classes the allow-list would refuse.
        kryo.register(
                java.lang.reflect.InvocationHandler.class,
                new KryoGuards.ProxySerializer(allowList, classLoader.getParent()));
        return kryo;
    }

    private CodecException translate(Throwable e, String doing) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NotAllowedException notAllowed) {
                return new CodecException(ClassAllowList.adviceFor(notAllowed.className, "kryo"), e);
            }
            if (t instanceof KryoGuards.ProxyRefusedException proxy) {
                return new CodecException(proxy.getMessage(), e);
            }
            if (t instanceof DecodeBudget.LimitException limit) {
                return new CodecException("kryo refused " + doing + ": " + limit.getMessage(), e);
            }
            if (t instanceof CodecException codec) {
                return codec;
            }
        }
        if (e instanceof KryoException && String.valueOf(e.getMessage()).startsWith("Max depth exceeded")) {
            return new CodecException(
                    "kryo refused " + doing + ": it nests deeper than maxDepth " + limits.maxDepth(), e);
        }
        if (e instanceof StackOverflowError) {
            return new CodecException("kryo failed " + doing + ": the value nests too deeply (StackOverflowError)", e);
        }
        if (e instanceof OutOfMemoryError) {
            return new CodecException("kryo failed " + doing + ": it would not fit in memory (OutOfMemoryError)", e);
        }
        String message = e.getMessage() == null ? "" : ": " + Printable.escape(firstLine(e.getMessage()));
        return new CodecException("kryo failed " + doing + ": " + e.getClass().getName() + message, e);
    }

    /** Kryo appends a serialization trace of field names; the first line says what failed. */
    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Refuses classes outside the allow-list at write time, and at read time before any class
     * loader is asked: Kryo's own lookup would otherwise retry with its own class loader.
     */
    private static final class AllowListClassResolver extends DefaultClassResolver {
        private final ClassAllowList allowList;
        private final ClassLoader classLoader;

        AllowListClassResolver(ClassAllowList allowList, ClassLoader classLoader) {
            this.allowList = allowList;
            this.classLoader = classLoader;
        }

        @Override
        @SuppressWarnings("rawtypes") // Kryo's signature
        public Registration registerImplicit(Class type) {
            if (!allowList.allows(type.getName())) {
                throw new KryoException(new NotAllowedException(type.getName()));
            }
            return super.registerImplicit(type);
        }

        @Override
        protected Class<?> getTypeByName(String className) {
            if (!allowList.allows(className)) {
                throw new KryoException(new NotAllowedException(className));
            }
            Class<?> known = super.getTypeByName(className);
            if (known != null) {
                return known;
            }
            try {
                return Class.forName(className, false, classLoader);
            } catch (ClassNotFoundException e) {
                throw new KryoException("class " + Printable.escape(className) + " is allowed but cannot be found", e);
            }
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
