package dev.cachekit.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The pieces that bound what Kryo allocates and walks while decoding: an {@link Input} that checks
 * declared lengths before allocating, serializers that check collection, map and array lengths
 * before creating them, and serializers for the JDK's immutable and unmodifiable collections (which
 * Kryo would otherwise reach into by reflection and fail on).
 */
final class KryoGuards {

    private KryoGuards() {}

    /** Registers the guarded serializers; specific types first, since Kryo takes the first match. */
    static void install(Kryo kryo) {
        kryo.addDefaultSerializer(java.util.UUID.class, new DefaultSerializers.UUIDSerializer());
        // Kryo's own serializers for these would be shadowed by the guarded generic ones below.
        kryo.addDefaultSerializer(
                Collections.emptyList().getClass(), DefaultSerializers.CollectionsEmptyListSerializer.class);
        kryo.addDefaultSerializer(
                Collections.emptySet().getClass(), DefaultSerializers.CollectionsEmptySetSerializer.class);
        kryo.addDefaultSerializer(
                Collections.emptyMap().getClass(), DefaultSerializers.CollectionsEmptyMapSerializer.class);
        kryo.addDefaultSerializer(
                Collections.singletonList(1).getClass(), DefaultSerializers.CollectionsSingletonListSerializer.class);
        kryo.addDefaultSerializer(
                Collections.singleton(1).getClass(), DefaultSerializers.CollectionsSingletonSetSerializer.class);
        kryo.addDefaultSerializer(
                Collections.singletonMap(1, 1).getClass(), DefaultSerializers.CollectionsSingletonMapSerializer.class);
        kryo.addDefaultSerializer(java.util.EnumSet.class, DefaultSerializers.EnumSetSerializer.class);
        kryo.addDefaultSerializer(java.util.PriorityQueue.class, DefaultSerializers.PriorityQueueSerializer.class);
        kryo.addDefaultSerializer(
                java.util.concurrent.ConcurrentSkipListMap.class,
                DefaultSerializers.ConcurrentSkipListMapSerializer.class);
        rebuilt(kryo, List.of(1), KryoGuards::immutableList);
        rebuilt(kryo, List.of(1, 2, 3), KryoGuards::immutableList);
        rebuilt(kryo, List.of(1, 2, 3).subList(0, 2), KryoGuards::immutableList);
        rebuilt(kryo, Set.of(), List::copyOf, Set::copyOf);
        rebuilt(kryo, Set.of(1), List::copyOf, Set::copyOf);
        rebuilt(kryo, Set.of(1, 2, 3), List::copyOf, Set::copyOf);
        rebuilt(kryo, Arrays.asList(1), List::copyOf, list -> Arrays.asList(list.toArray()));
        rebuilt(
                kryo,
                Collections.unmodifiableCollection(new ArrayList<>()),
                ArrayList::new,
                list -> Collections.unmodifiableCollection(list));
        rebuilt(kryo, Collections.unmodifiableList(new ArrayList<>()), ArrayList::new, Collections::unmodifiableList);
        rebuilt(
                kryo,
                Collections.unmodifiableList(new java.util.LinkedList<>()),
                ArrayList::new,
                list -> Collections.unmodifiableList(new java.util.LinkedList<>(list)));
        rebuilt(
                kryo,
                Collections.unmodifiableSet(new LinkedHashSet<>()),
                ArrayList::new,
                list -> Collections.unmodifiableSet(new LinkedHashSet<>(list)));
        rebuiltMap(kryo, Map.of(), Map::copyOf);
        rebuiltMap(kryo, Map.of(1, 1), Map::copyOf);
        rebuiltMap(kryo, Map.of(1, 1, 2, 2), Map::copyOf);
        rebuiltMap(kryo, Collections.unmodifiableMap(new LinkedHashMap<>()), Collections::unmodifiableMap);

        kryo.addDefaultSerializer(TreeSet.class, GuardedTreeSetSerializer.class);
        kryo.addDefaultSerializer(TreeMap.class, GuardedTreeMapSerializer.class);
        kryo.addDefaultSerializer(Collection.class, GuardedCollectionSerializer.class);
        kryo.addDefaultSerializer(Map.class, GuardedMapSerializer.class);
        kryo.addDefaultSerializer(String[].class, GuardedStringArraySerializer.class);
        kryo.addDefaultSerializer(Object[].class, GuardedObjectArraySerializer.class);
    }

    private static List<Object> immutableList(List<Object> elements) {
        // Stream.toList keeps nulls (List.copyOf refuses them) and, like List.of, is unmodifiable.
        return elements.stream().toList();
    }

    private static void rebuilt(Kryo kryo, Collection<?> sample, Function<List<Object>, Collection<?>> build) {
        rebuilt(kryo, sample, list -> list, build);
    }

    private static void rebuilt(
            Kryo kryo,
            Collection<?> sample,
            Function<List<Object>, List<Object>> copy,
            Function<List<Object>, Collection<?>> build) {
        kryo.addDefaultSerializer(sample.getClass(), new RebuiltCollectionSerializer(copy.andThen(build)));
    }

    private static void rebuiltMap(Kryo kryo, Map<?, ?> sample, Function<Map<Object, Object>, Map<?, ?>> build) {
        kryo.addDefaultSerializer(sample.getClass(), new RebuiltMapSerializer(build));
    }

    static DecodeBudget budget(Input input) {
        if (input instanceof BoundedInput bounded) {
            return bounded.budget;
        }
        throw new IllegalStateException("decoding without a budget");
    }

    static long remaining(Input input) {
        return (long) input.limit() - input.position();
    }

    /** Reads a declared length ahead without consuming it. */
    static int peekVarInt(Input input) {
        int position = input.position();
        int value = input.readVarInt(true);
        input.setPosition(position);
        return value;
    }

    /**
     * An {@link Input} over one entry's bytes that refuses a declared length the entry cannot hold.
     * Reused, one decode at a time: {@link #start} gives it the bytes and a fresh budget, {@link
     * #finish} lets go of them.
     */
    static final class BoundedInput extends Input {
        private static final byte[] NO_BYTES = new byte[0];
        /** The size of Kryo's own char buffer. */
        private static final int CHARS = 32;
        /** A char buffer a long string grew past this is dropped, not kept in the pool. */
        private static final int KEPT_CHARS = 1024;

        final DecodeBudget budget;

        BoundedInput(DecodeLimits limits) {
            super(NO_BYTES);
            this.budget = new DecodeBudget(limits);
        }

        /** Reads {@code length} bytes from {@code offset}, and nothing outside them. */
        void start(byte[] bytes, int offset, int length) {
            setBuffer(bytes, offset, length);
            budget.reset(length);
        }

        /** Keeps neither the entry's bytes nor what was learned decoding them. */
        void finish() {
            setBuffer(NO_BYTES);
            budget.reset(0);
            if (chars.length > KEPT_CHARS) {
                chars = new char[CHARS];
            }
        }

        private void declare(int length, int bytesPerElement, String what) {
            budget.declare(length, bytesPerElement, (long) limit - position, what);
        }

        @Override
        public String readString() {
            if (position < limit && (buffer[position] & 0x80) != 0) {
                // Not the ASCII form (which ends where its bytes end): a char count comes first.
                int start = position;
                int count = readVarIntFlag(true);
                position = start;
                declare(Math.max(0, count - 1), 1, "string");
            }
            return super.readString();
        }

        @Override
        public StringBuilder readStringBuilder() {
            if (position < limit && (buffer[position] & 0x80) != 0) {
                int start = position;
                int count = readVarIntFlag(true);
                position = start;
                declare(Math.max(0, count - 1), 1, "string");
            }
            return super.readStringBuilder();
        }

        @Override
        public byte[] readBytes(int length) {
            declare(length, 1, "byte array");
            return super.readBytes(length);
        }

        @Override
        public int[] readInts(int length) {
            declare(length, 4, "int array");
            return super.readInts(length);
        }

        @Override
        public int[] readInts(int length, boolean optimizePositive) {
            declare(length, 1, "int array");
            return super.readInts(length, optimizePositive);
        }

        @Override
        public long[] readLongs(int length) {
            declare(length, 8, "long array");
            return super.readLongs(length);
        }

        @Override
        public long[] readLongs(int length, boolean optimizePositive) {
            declare(length, 1, "long array");
            return super.readLongs(length, optimizePositive);
        }

        @Override
        public float[] readFloats(int length) {
            declare(length, 4, "float array");
            return super.readFloats(length);
        }

        @Override
        public double[] readDoubles(int length) {
            declare(length, 8, "double array");
            return super.readDoubles(length);
        }

        @Override
        public short[] readShorts(int length) {
            declare(length, 2, "short array");
            return super.readShorts(length);
        }

        @Override
        public char[] readChars(int length) {
            declare(length, 2, "char array");
            return super.readChars(length);
        }

        @Override
        public boolean[] readBooleans(int length) {
            declare(length, 1, "boolean array");
            return super.readBooleans(length);
        }
    }

    /** Costs every decoded collection before the collection holding it may hash it. */
    @SuppressWarnings("rawtypes") // Kryo's own signatures
    static final class GuardedKryo extends Kryo {
        /** This instance's input, used by whoever holds the instance: no input is made per decode. */
        final BoundedInput input;

        private final ClassAllowList allowList;

        GuardedKryo(com.esotericsoftware.kryo.ClassResolver resolver, DecodeLimits limits, ClassAllowList allowList) {
            super(resolver, null);
            this.input = new BoundedInput(limits);
            this.allowList = allowList;
        }

        /** Kryo writes every proxy as an InvocationHandler; it is judged by its interfaces instead. */
        @Override
        public com.esotericsoftware.kryo.Registration getRegistration(Class type) {
            if (Proxy.isProxyClass(type)) {
                String[] interfaces = ProxySerializer.interfaceNames(type);
                List<String> refused = allowList.refusedInterfaces(interfaces);
                if (!refused.isEmpty()) {
                    throw new ProxyRefusedException(
                            ClassAllowList.proxyAdvice(type.getName(), interfaces, refused, "kryo"));
                }
            }
            return super.getRegistration(type);
        }

        /**
         * Objects being written whose serializer builds them only after reading what they hold
         * (the rebuilt immutable collections, records): a reference back to one of them from inside
         * would read back as something else, so it is refused when written.
         */
        private final IdentityHashMap<Object, Boolean> building = new IdentityHashMap<>();

        @Override
        public void writeClassAndObject(Output output, Object object) {
            if (object == null) {
                super.writeClassAndObject(output, null);
                return;
            }
            boolean builtAfter =
                    enter(object, getRegistration(object.getClass()).getSerializer());
            try {
                super.writeClassAndObject(output, object);
            } finally {
                leave(object, builtAfter);
            }
        }

        @Override
        public void writeObject(Output output, Object object) {
            boolean builtAfter =
                    enter(object, getRegistration(object.getClass()).getSerializer());
            try {
                super.writeObject(output, object);
            } finally {
                leave(object, builtAfter);
            }
        }

        @Override
        public void writeObjectOrNull(Output output, Object object, Class type) {
            boolean builtAfter = object != null
                    && enter(object, getRegistration(object.getClass()).getSerializer());
            try {
                super.writeObjectOrNull(output, object, type);
            } finally {
                leave(object, builtAfter);
            }
        }

        @Override
        public void writeObject(Output output, Object object, Serializer serializer) {
            boolean builtAfter = enter(object, serializer);
            try {
                super.writeObject(output, object, serializer);
            } finally {
                leave(object, builtAfter);
            }
        }

        @Override
        public void writeObjectOrNull(Output output, Object object, Serializer serializer) {
            boolean builtAfter = object != null && enter(object, serializer);
            try {
                super.writeObjectOrNull(output, object, serializer);
            } finally {
                leave(object, builtAfter);
            }
        }

        private boolean enter(Object object, Serializer serializer) {
            if (!building.isEmpty() && building.containsKey(object)) {
                throw new DecodeBudget.LimitException("a " + object.getClass().getName()
                        + " contains itself, and kryo builds one only after reading what it holds, so it would"
                        + " read back as another value; hold the cycle in a mutable collection such as an ArrayList");
            }
            // Field, collection, map and array serializers make the object before reading what it
            // holds; values that hold nothing cannot be reached from inside themselves.
            boolean builtAfter = !(serializer instanceof com.esotericsoftware.kryo.serializers.FieldSerializer
                    || serializer instanceof CollectionSerializer
                    || serializer instanceof MapSerializer
                    || object instanceof CharSequence
                    || object instanceof Number
                    || object instanceof Boolean
                    || object instanceof Character
                    || object instanceof Enum<?>
                    || object instanceof java.time.temporal.TemporalAccessor
                    || object instanceof java.util.UUID
                    || object.getClass().isArray());
            if (builtAfter) {
                building.put(object, Boolean.TRUE);
            }
            return builtAfter;
        }

        private void leave(Object object, boolean builtAfter) {
            if (builtAfter) {
                building.remove(object);
            }
        }

        private static <T> T walked(Input input, T value) {
            if (input instanceof BoundedInput bounded) {
                bounded.budget.walked(value);
            }
            return value;
        }

        @Override
        public Object readClassAndObject(Input input) {
            return walked(input, super.readClassAndObject(input));
        }

        @Override
        public <T> T readObject(Input input, Class<T> type) {
            return walked(input, super.readObject(input, type));
        }

        @Override
        public <T> T readObject(Input input, Class<T> type, Serializer serializer) {
            return walked(input, super.readObject(input, type, serializer));
        }

        @Override
        public <T> T readObjectOrNull(Input input, Class<T> type) {
            return walked(input, super.readObjectOrNull(input, type));
        }

        @Override
        public <T> T readObjectOrNull(Input input, Class<T> type, Serializer serializer) {
            return walked(input, super.readObjectOrNull(input, type, serializer));
        }
    }

    /** Kryo's collection serializer, refusing a size the entry cannot hold before creating it. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static final class GuardedCollectionSerializer extends CollectionSerializer<Collection> {
        /** Used by Kryo. */
        public GuardedCollectionSerializer() {}

        @Override
        protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
            budget(input).declare(size, 1, remaining(input), type.getName());
            return super.create(kryo, input, type, size);
        }
    }

    /** Kryo's map serializer, refusing a size the entry cannot hold before creating it. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static final class GuardedMapSerializer extends MapSerializer<Map> {
        /** Used by Kryo. */
        public GuardedMapSerializer() {}

        @Override
        protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
            budget(input).declare(size, 2, remaining(input), type.getName());
            return super.create(kryo, input, type, size);
        }
    }

    /** Kryo's TreeSet serializer with the same check. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static final class GuardedTreeSetSerializer extends DefaultSerializers.TreeSetSerializer {
        /** Used by Kryo. */
        public GuardedTreeSetSerializer() {}

        @Override
        protected TreeSet create(Kryo kryo, Input input, Class<? extends TreeSet> type, int size) {
            budget(input).declare(size, 1, remaining(input), type.getName());
            return super.create(kryo, input, type, size);
        }
    }

    /** Kryo's TreeMap serializer with the same check. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static final class GuardedTreeMapSerializer extends DefaultSerializers.TreeMapSerializer {
        /** Used by Kryo. */
        public GuardedTreeMapSerializer() {}

        @Override
        protected TreeMap create(Kryo kryo, Input input, Class<? extends TreeMap> type, int size) {
            budget(input).declare(size, 2, remaining(input), type.getName());
            return super.create(kryo, input, type, size);
        }
    }

    /** Kryo's object array serializer, refusing a length the entry cannot hold before allocating. */
    @SuppressWarnings("rawtypes") // Kryo's own signatures
    public static final class GuardedObjectArraySerializer extends DefaultArraySerializers.ObjectArraySerializer {
        /**
         * Used by Kryo.
         *
         * @param kryo the Kryo instance
         * @param type the array type
         */
        public GuardedObjectArraySerializer(Kryo kryo, Class<?> type) {
            super(kryo, type);
        }

        @Override
        public Object[] read(Kryo kryo, Input input, Class type) {
            int length = peekVarInt(input);
            if (length > 0) {
                budget(input).declare(length - 1, 1, remaining(input), type.getName());
            }
            return super.read(kryo, input, type);
        }
    }

    /** Kryo's string array serializer, refusing a length the entry cannot hold before allocating. */
    @SuppressWarnings("rawtypes") // Kryo's own signatures
    public static final class GuardedStringArraySerializer extends DefaultArraySerializers.StringArraySerializer {
        /** Used by Kryo. */
        public GuardedStringArraySerializer() {}

        @Override
        public String[] read(Kryo kryo, Input input, Class type) {
            int length = peekVarInt(input);
            if (length > 0) {
                budget(input).declare(length - 1, 1, remaining(input), "java.lang.String[]");
            }
            return super.read(kryo, input, type);
        }
    }

    /** A proxy refused for its interfaces; the codec turns it into a {@code CodecException}. */
    static final class ProxyRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ProxyRefusedException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Writes a {@link Proxy} as its interfaces' names and its handler, and reads it back only when
     * every interface is allowed; the handler is an object like any other, allowed or refused by
     * its class. Kryo hands every proxy to the serializer of {@link InvocationHandler}.
     */
    static final class ProxySerializer extends Serializer<Object> {
        private final ClassAllowList allowList;
        private final ClassLoader classLoader;

        ProxySerializer(ClassAllowList allowList, ClassLoader classLoader) {
            this.allowList = allowList;
            this.classLoader = classLoader;
        }

        static String[] interfaceNames(Class<?> proxyClass) {
            Class<?>[] interfaces = proxyClass.getInterfaces();
            String[] names = new String[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                names[i] = interfaces[i].getName();
            }
            return names;
        }

        @Override
        public void write(Kryo kryo, Output output, Object proxy) {
            String[] names = interfaceNames(proxy.getClass());
            output.writeVarInt(names.length, true);
            for (String name : names) {
                output.writeString(name);
            }
            kryo.writeClassAndObject(output, Proxy.getInvocationHandler(proxy));
        }

        @Override
        @SuppressWarnings("rawtypes") // Kryo's signature
        public Object read(Kryo kryo, Input input, Class type) {
            int count = input.readVarInt(true);
            // A class implements at most 65535 interfaces.
            budget(input).declare(Math.min(count, 65_536), 1, remaining(input), "proxy");
            String[] names = new String[count];
            for (int i = 0; i < count; i++) {
                names[i] = input.readString();
            }
            List<String> refused = allowList.refusedInterfaces(names);
            if (!refused.isEmpty()) {
                throw new ProxyRefusedException(ClassAllowList.proxyAdvice(null, names, refused, "kryo"));
            }
            Class<?>[] interfaces = new Class<?>[count];
            try {
                for (int i = 0; i < count; i++) {
                    interfaces[i] = Class.forName(names[i], false, classLoader);
                }
            } catch (ClassNotFoundException e) {
                throw new KryoException("a proxy's interface is allowed but cannot be found", e);
            }
            Object handler = kryo.readClassAndObject(input);
            if (!(handler instanceof InvocationHandler invocationHandler)) {
                throw new KryoException("a proxy's handler is not an InvocationHandler");
            }
            try {
                return Proxy.newProxyInstance(classLoader, interfaces, invocationHandler);
            } catch (IllegalArgumentException e) {
                throw new KryoException("cannot make a proxy of these interfaces: " + e.getMessage());
            }
        }
    }

    /** Writes a collection's elements, and reads them back into a fresh instance of the same kind. */
    @SuppressWarnings("rawtypes")
    static final class RebuiltCollectionSerializer extends Serializer<Collection> {
        private final Function<List<Object>, Collection<?>> build;

        RebuiltCollectionSerializer(Function<List<Object>, Collection<?>> build) {
            super(false, true);
            this.build = build;
        }

        @Override
        public void write(Kryo kryo, Output output, Collection collection) {
            output.writeVarInt(collection.size(), true);
            for (Object element : collection) {
                kryo.writeClassAndObject(output, element);
            }
        }

        @Override
        public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
            int size = input.readVarInt(true);
            budget(input).declare(size, 1, remaining(input), type.getName());
            List<Object> elements = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                elements.add(kryo.readClassAndObject(input));
            }
            try {
                return build.apply(elements);
            } catch (NullPointerException | IllegalArgumentException e) {
                throw new KryoException("a " + type.getName() + " cannot hold these elements: " + e.getMessage());
            }
        }
    }

    /** Writes a map's entries, and reads them back into a fresh instance of the same kind. */
    @SuppressWarnings("rawtypes")
    static final class RebuiltMapSerializer extends Serializer<Map> {
        private final Function<Map<Object, Object>, Map<?, ?>> build;

        RebuiltMapSerializer(Function<Map<Object, Object>, Map<?, ?>> build) {
            super(false, true);
            this.build = build;
        }

        @Override
        public void write(Kryo kryo, Output output, Map map) {
            output.writeVarInt(map.size(), true);
            for (Object o : map.entrySet()) {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) o;
                kryo.writeClassAndObject(output, entry.getKey());
                kryo.writeClassAndObject(output, entry.getValue());
            }
        }

        @Override
        public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
            int size = input.readVarInt(true);
            budget(input).declare(size, 2, remaining(input), type.getName());
            Map<Object, Object> entries = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                Object key = kryo.readClassAndObject(input);
                entries.put(key, kryo.readClassAndObject(input));
            }
            try {
                return build.apply(entries);
            } catch (NullPointerException | IllegalArgumentException e) {
                throw new KryoException("a " + type.getName() + " cannot hold these entries: " + e.getMessage());
            }
        }
    }
}
