package dev.cachekit.codec;

import dev.cachekit.CodecException;
import dev.cachekit.internal.Printable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Java serialization, for values that are {@link java.io.Serializable} and nothing else. Guarded
 * by the same kind of class allow-list as {@link KryoCodec}: a class outside it is refused before it
 * is loaded, and an {@link ObjectInputFilter} applies the decoding limits of {@link
 * AllowListBuilder} (depth, declared array lengths, references) before anything is allocated.
 * {@code Optional} is not {@code Serializable}, so this codec cannot write it. {@link #encode}
 * reads its bytes back under the same limits, so a value this codec could not read (a string
 * longer than {@code maxLength}, a collection that contains itself) fails when it is written, not
 * on every read; so does a record or an immutable collection ({@code List.of}, ...) reached again
 * from inside itself, which Java serialization would read back as {@code null} or as its serial
 * form (it builds those only after reading what they hold). Such cycles are found through
 * collections, maps, arrays, records and the serializable fields of classes outside the JDK; not
 * through what a class's own {@code writeObject} writes.
 *
 * <p>A {@link java.lang.reflect.Proxy} is read and written when every interface it implements is
 * allowed (its handler is judged by its own class); a refused one is named with its interfaces and
 * the calls that allow them.
 *
 * <p>Slower and larger than Kryo; use it when values must be read by code that only knows Java
 * serialization. Thread-safe.
 */
public final class JdkCodec implements Codec {

    /** The id of this codec in entry envelopes. */
    public static final byte ID = 2;

    private final ClassAllowList allowList;
    private final ClassLoader classLoader;
    private final DecodeLimits limits;

    private JdkCodec(Builder builder) {
        this.allowList = builder.allowList();
        this.classLoader = builder.loader();
        this.limits = builder.limits();
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

    /**
     * Encodes a value, and reads the bytes back as {@link #decode} would, so that a value this codec
     * would refuse to read (an array longer than {@code maxLength}, a graph deeper than {@code
     * maxDepth}, a collection that contains itself, collections whose hashing exceeds the entry's
     * allowance, a class off the allow-list anywhere in the graph) fails here, naming the limit,
     * instead of being stored and failing every read.
     *
     * @throws CodecException if the value cannot be written, or could not be read back
     */
    @Override
    public byte[] encode(Object value) {
        byte[] bytes = write(value);
        if (limits.readsBackTrivially(value)) {
            return bytes;
        }
        try {
            // The decode first: it bounds the depth the walk then recurses to.
            decode(bytes, 0, bytes.length, Object.class);
            RebuiltCycles.check(value, "jdk");
        } catch (CodecException e) {
            throw new CodecException(
                    "jdk refused to write a " + value.getClass().getName()
                            + " that it could not read back; nothing was written: " + e.getMessage(),
                    e);
        }
        return bytes;
    }

    /** The bytes of a value, without reading them back: what a writer without the check stored. */
    byte[] write(Object value) {
        Objects.requireNonNull(value, "value");
        if (Proxy.isProxyClass(value.getClass())) {
            String[] interfaces = interfaceNames(value.getClass());
            List<String> refused = allowList.refusedInterfaces(interfaces);
            if (!refused.isEmpty()) {
                throw new CodecException(
                        ClassAllowList.proxyAdvice(value.getClass().getName(), interfaces, refused, "jdk"));
            }
        } else if (!allowList.allows(value.getClass().getName())) {
            throw new CodecException(ClassAllowList.adviceFor(value.getClass().getName(), "jdk"));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new CodecException("class " + e.getMessage() + " is not java.io.Serializable; use KryoCodec", e);
        } catch (IOException | RuntimeException e) {
            throw new CodecException(
                    "jdk serialization of a " + value.getClass().getName() + " failed: " + e, e);
        } catch (StackOverflowError e) {
            throw new CodecException(
                    "jdk serialization of a " + value.getClass().getName() + " nests too deeply (StackOverflowError)",
                    e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void checkEncodable(Class<?> type) {
        allowList.checkEncodable(type, "jdk");
    }

    @Override
    public <T> T decode(byte[] bytes, Class<T> type) {
        Objects.requireNonNull(bytes, "bytes");
        return decode(bytes, 0, bytes.length, type);
    }

    /** Reads the range in place, without copying it. */
    @Override
    public <T> T decode(byte[] bytes, int offset, int length, Class<T> type) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        DecodeBudget budget = new DecodeBudget(limits, length);
        BoundedInputStream in = null;
        try {
            in = new BoundedInputStream(new ByteArrayInputStream(bytes, offset, length), budget, length);
            return CodecTypes.cast(in.readObject(), type);
        } catch (NotAllowedException e) {
            throw new CodecException(e.advice != null ? e.advice : ClassAllowList.adviceFor(e.className, "jdk"), e);
        } catch (IOException
                | ClassNotFoundException
                | RuntimeException
                | StackOverflowError
                | OutOfMemoryError
                | LinkageError e) {
            throw translate(e, in == null ? null : in.refusal);
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // a stream over a byte array holds nothing to release
                }
            }
        }
    }

    private static CodecException translate(Throwable e, String refusal) {
        if (e instanceof CodecException codec) {
            return codec;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DecodeBudget.LimitException limit) {
                return new CodecException("jdk deserialization refused the entry: " + limit.getMessage(), e);
            }
        }
        if (refusal != null) {
            return new CodecException("jdk deserialization refused the entry: " + refusal, e);
        }
        if (e instanceof StackOverflowError) {
            return new CodecException("jdk deserialization failed: the value nests too deeply (StackOverflowError)", e);
        }
        if (e instanceof OutOfMemoryError) {
            return new CodecException("jdk deserialization failed: it would not fit in memory (OutOfMemoryError)", e);
        }
        String message = e.getMessage() == null ? "" : ": " + Printable.escape(e.getMessage());
        return new CodecException("jdk deserialization failed: " + e.getClass().getName() + message, e);
    }

    /**
     * Refuses classes outside the allow-list before they are loaded, and applies the decoding
     * limits: depth, references and declared array lengths through its {@link ObjectInputFilter},
     * hashing work as each object is completed (before a hashed collection holding it hashes it).
     */
    private final class BoundedInputStream extends ObjectInputStream {
        private final DecodeBudget budget;
        private final int size;
        String refusal;

        BoundedInputStream(ByteArrayInputStream in, DecodeBudget budget, int size) throws IOException {
            super(in);
            this.budget = budget;
            this.size = size;
            setObjectInputFilter(this::check);
            enableResolveObject(true);
        }

        private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
            if (info.depth() > limits.maxDepth()) {
                return refuse("it nests deeper than maxDepth " + limits.maxDepth());
            }
            if (info.references() > size) {
                return refuse("it holds more references (" + info.references() + ") than its " + size + " bytes");
            }
            Class<?> type = info.serialClass();
            if (type == null) {
                return ObjectInputFilter.Status.UNDECIDED;
            }
            // A proxy's interfaces were judged by resolveProxyClass; its handler is judged as it comes.
            boolean proxy = Proxy.isProxyClass(type) || type == Proxy.class;
            if (!type.isPrimitive() && !proxy && !allowList.allows(type.getName())) {
                return refuse(ClassAllowList.adviceFor(type.getName(), "jdk"));
            }
            if (type.isArray() && info.arrayLength() >= 0) {
                // Block data is read ahead in blocks of up to 1024 bytes, so streamBytes can run ahead.
                long remaining = size - info.streamBytes() + 1_100;
                Class<?> element = type.getComponentType();
                try {
                    if (element == Map.Entry.class) {
                        // A hash table's capacity, up to about 2.7 slots per entry read after it.
                        budget.declare((info.arrayLength() + 2) / 3, 1, remaining, "hash table");
                    } else {
                        budget.declare(info.arrayLength(), bytesPerElement(element), remaining, type.getTypeName());
                    }
                } catch (DecodeBudget.LimitException e) {
                    return refuse(e.getMessage());
                }
            }
            return ObjectInputFilter.Status.UNDECIDED;
        }

        private ObjectInputFilter.Status refuse(String why) {
            if (refusal == null) {
                refusal = why;
            }
            return ObjectInputFilter.Status.REJECTED;
        }

        @Override
        protected Object resolveObject(Object obj) {
            if (obj instanceof String string) {
                // The stream gives no filter a string's length; its chars are read by then, but
                // maxLength holds for strings as it does for Kryo.
                budget.declare(string.length(), 0, 0, "string");
            }
            budget.walked(obj);
            return obj;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            String name = desc.getName();
            if (name.equals(PROXY)) {
                // The superclass of every proxy class; an instance of it alone implements nothing.
                return Proxy.class;
            }
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
        @SuppressWarnings("deprecation") // Proxy.getProxyClass: the stream gives interfaces, not an instance
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
            List<String> refused = allowList.refusedInterfaces(interfaces);
            if (!refused.isEmpty()) {
                throw new NotAllowedException(PROXY, ClassAllowList.proxyAdvice(null, interfaces, refused, "jdk"));
            }
            Class<?>[] types = new Class<?>[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                types[i] = Class.forName(interfaces[i], false, classLoader);
            }
            try {
                return Proxy.getProxyClass(classLoader, types);
            } catch (IllegalArgumentException e) {
                throw new InvalidClassException(PROXY, "cannot make a proxy of these interfaces: " + e.getMessage());
            }
        }
    }

    private static int bytesPerElement(Class<?> element) {
        if (element == long.class || element == double.class) {
            return 8;
        }
        if (element == int.class || element == float.class) {
            return 4;
        }
        if (element == char.class || element == short.class) {
            return 2;
        }
        return 1;
    }

    private static final String PROXY = "java.lang.reflect.Proxy";

    private static String[] interfaceNames(Class<?> proxyClass) {
        Class<?>[] interfaces = proxyClass.getInterfaces();
        String[] names = new String[interfaces.length];
        for (int i = 0; i < interfaces.length; i++) {
            names[i] = interfaces[i].getName();
        }
        return names;
    }

    private static final class NotAllowedException extends InvalidClassException {
        private static final long serialVersionUID = 1L;
        private final String className;
        /** The whole message, when the class name alone does not say what to allow (a proxy). */
        private final String advice;

        NotAllowedException(String className) {
            this(className, null);
        }

        NotAllowedException(String className, String advice) {
            super(className, "not on the allow-list");
            this.className = className;
            this.advice = advice;
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
