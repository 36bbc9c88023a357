package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cachekit.Cache;
import dev.cachekit.CodecException;
import dev.cachekit.Lookup;
import dev.cachekit.codec.Codec;
import dev.cachekit.codec.JdkCodec;
import dev.cachekit.codec.KryoCodec;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code put} accepts, {@code get} reads back: over generated values (nested collections,
 * maps, records, arrays, cycles, shared references, lengths and depths just under, at and over the
 * codec's limits), each {@code put} either succeeds and {@code get} returns a value of the same
 * shape, or fails with a {@link CodecException}; never a write that reads back as an error. The
 * generator is seeded, so a failure names the seed and value that reproduce it.
 */
@DisplayName("What put accepts, get reads back")
class ReadBackPropertyTest {

    /** Small limits, so that generated values are often near them. */
    private static final int MAX_LENGTH = 40;

    private static final int MAX_DEPTH = 8;
    private static final int VALUES = 2_000;

    /** A record whose components may hold anything. */
    record Pair(Object left, Object right) implements Serializable {}

    /** A mutable object, for cycles that go through fields. */
    static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        Object value;
        Node next;
    }

    static Stream<Arguments> codecs() {
        return Stream.of(
                Arguments.of("kryo, default limits", kryo(false)),
                Arguments.of("kryo, small limits", kryo(true)),
                Arguments.of("jdk, default limits", jdk(false)),
                Arguments.of("jdk, small limits", jdk(true)));
    }

    private static Codec kryo(boolean small) {
        KryoCodec.Builder builder = KryoCodec.builder().allowClass(Pair.class).allowClass(Node.class);
        return small
                ? builder.maxLength(MAX_LENGTH)
                        .maxDepth(MAX_DEPTH)
                        .allocationRatio(1)
                        .build()
                : builder.build();
    }

    private static Codec jdk(boolean small) {
        JdkCodec.Builder builder = JdkCodec.builder().allowClass(Pair.class).allowClass(Node.class);
        return small
                ? builder.maxLength(MAX_LENGTH)
                        .maxDepth(MAX_DEPTH)
                        .allocationRatio(1)
                        .build()
                : builder.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("put succeeds and get returns a value of the same shape, or put fails with a CodecException")
    void putThenGet(String name, Codec codec) {
        int written = 0;
        int refused = 0;
        try (Cache cache = Caches.builder().uri("memory:").codec(codec).build()) {
            for (int i = 0; i < VALUES; i++) {
                long seed = 1_000L * name.hashCode() + i;
                Object value = new Generator(new Random(seed), true).value(0);
                String key = "k" + i;
                try {
                    cache.put(key, value);
                } catch (CodecException e) {
                    assertThat(e.getMessage()).as("seed %d", seed).contains("|" + key + "'");
                    refused++;
                    continue;
                }
                Lookup<Object> read;
                try {
                    read = cache.get(key, Object.class);
                } catch (RuntimeException e) {
                    throw new AssertionError(
                            "seed " + seed + ": put accepted a "
                                    + value.getClass().getName() + " that get refuses",
                            e);
                }
                assertThat(read.isHit()).as("seed %d", seed).isTrue();
                String difference = Shape.difference(value, read.value());
                if (difference != null) {
                    fail("seed " + seed + ": a " + value.getClass().getName() + " read back as another value ("
                            + difference + "): " + Shape.show(value) + " became " + Shape.show(read.value()));
                }
                written++;
            }
        }
        // Both outcomes must be exercised, or the generator is not near the limits.
        assertThat(written).as("values written").isGreaterThan(VALUES / 10);
        if (name.contains("small")) {
            assertThat(refused).as("values refused").isGreaterThan(VALUES / 20);
        }
    }

    /** Random values, with lengths and depths clustered around the small limits. */
    static final class Generator {
        private final Random random;
        private final List<Object> made = new ArrayList<>();
        /** Containers this value may still hold, so that a value stays small however it branches. */
        private int containers = 60;

        /** Whether to make cycles back into a record or an immutable collection. */
        private final boolean cyclesThroughRebuilt;

        Generator(Random random, boolean cyclesThroughRebuilt) {
            this.random = random;
            this.cyclesThroughRebuilt = cyclesThroughRebuilt;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH + 2 || containers <= 0 || random.nextInt(10) < 3 + depth / 3) {
                return leaf();
            }
            containers--;
            Object made = container(depth);
            this.made.add(made);
            return made;
        }

        private int length() {
            return switch (random.nextInt(6)) {
                case 0 -> random.nextInt(4);
                case 1 -> MAX_LENGTH - 1;
                case 2 -> MAX_LENGTH;
                case 3 -> MAX_LENGTH + 1;
                default -> random.nextInt(MAX_LENGTH + 2);
            };
        }

        private Object leaf() {
            return switch (random.nextInt(12)) {
                case 0 -> random.nextInt();
                case 1 -> random.nextLong();
                case 2 -> random.nextBoolean();
                case 3 -> random.nextDouble();
                case 4 -> "s".repeat(length());
                case 5 -> "é€😀".repeat(Math.max(0, length() / 3)) + "x".repeat(random.nextInt(3));
                case 6 -> new UUID(random.nextLong(), random.nextLong());
                case 7 -> new BigDecimal(random.nextInt()).movePointLeft(random.nextInt(5));
                case 8 -> LocalDate.ofEpochDay(random.nextInt(100_000));
                case 9 -> Instant.ofEpochSecond(random.nextInt(), random.nextInt(1_000_000_000));
                case 10 -> made.isEmpty() ? "none" : made.get(random.nextInt(made.size())); // shared
                default -> bigLeaf();
            };
        }

        /** A string or array near the default limits' scale is too slow; near the small ones it is not. */
        private Object bigLeaf() {
            int n = length();
            return switch (random.nextInt(5)) {
                case 0 -> new int[n];
                case 1 -> new long[n];
                case 2 -> new byte[n];
                case 3 -> {
                    String[] strings = new String[n];
                    Arrays.fill(strings, "a");
                    yield strings;
                }
                default -> new char[n];
            };
        }

        /** Hashed elements and keys: acyclic leaves, so that hashing them terminates. */
        private Object hashable() {
            return switch (random.nextInt(4)) {
                case 0 -> random.nextInt(1000);
                case 1 -> "k" + random.nextInt(1000);
                case 2 -> new UUID(random.nextLong(), random.nextLong());
                default -> List.of("l" + random.nextInt(100));
            };
        }

        private Object container(int depth) {
            int n = length();
            switch (random.nextInt(18)) {
                case 0, 1 -> {
                    List<Object> list = random.nextBoolean() ? new ArrayList<>() : new LinkedList<>();
                    for (int i = 0; i < n; i++) {
                        list.add(random.nextInt(8) == 0 ? null : value(depth + 1));
                    }
                    return list;
                }
                case 2 -> {
                    Map<Object, Object> map = random.nextBoolean() ? new HashMap<>() : new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        map.put(hashable(), value(depth + 1));
                    }
                    return map;
                }
                case 3 -> {
                    Map<String, Object> map = new TreeMap<>();
                    for (int i = 0; i < n; i++) {
                        map.put("k" + i, value(depth + 1));
                    }
                    return map;
                }
                case 4 -> {
                    Set<Object> set = random.nextBoolean() ? new HashSet<>() : new TreeSet<>();
                    boolean tree = set instanceof TreeSet;
                    for (int i = 0; i < n; i++) {
                        set.add(tree ? "t" + i : hashable());
                    }
                    return set;
                }
                case 5 -> {
                    List<Object> elements = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        elements.add(value(depth + 1));
                    }
                    return switch (random.nextInt(4)) {
                        case 0 -> List.copyOf(elements);
                        case 1 -> Collections.unmodifiableList(elements);
                        case 2 -> Arrays.asList(elements.toArray());
                        default -> elements.toArray();
                    };
                }
                case 6 -> {
                    Map<Object, Object> map = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        map.put("m" + i, value(depth + 1));
                    }
                    return random.nextBoolean() ? Map.copyOf(map) : Collections.unmodifiableMap(map);
                }
                case 7 -> {
                    return new Pair(value(depth + 1), value(depth + 1));
                }
                case 8 -> {
                    return Optional.of(value(depth + 1));
                }
                case 9 -> {
                    // A list that contains itself.
                    List<Object> list = new ArrayList<>();
                    list.add(value(depth + 1));
                    list.add(list);
                    return list;
                }
                case 10 -> {
                    // A ring of nodes.
                    Node first = new Node();
                    Node last = first;
                    for (int i = 0; i < 1 + n % 5; i++) {
                        Node node = new Node();
                        node.value = value(depth + 1);
                        last.next = node;
                        last = node;
                    }
                    last.next = first;
                    return first;
                }
                case 11 -> {
                    // A map that holds itself as a value.
                    Map<Object, Object> map = new HashMap<>();
                    map.put("self", map);
                    map.put("other", value(depth + 1));
                    return map;
                }
                case 12 -> {
                    // The same container referenced many times.
                    Object shared = value(depth + 1);
                    List<Object> list = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        list.add(shared);
                    }
                    return list;
                }
                case 13 -> {
                    // Nesting straight to the depth limits.
                    Object nested = leaf();
                    int levels = MAX_DEPTH - 2 + random.nextInt(5);
                    for (int i = 0; i < levels; i++) {
                        nested = random.nextBoolean() ? new ArrayList<>(List.of(nested)) : new Pair(nested, null);
                    }
                    return nested;
                }
                case 14 -> {
                    // An unmodifiable view of a list that contains the view.
                    List<Object> inner = new ArrayList<>();
                    List<Object> view = Collections.unmodifiableList(inner);
                    inner.add(value(depth + 1));
                    inner.add(view);
                    return random.nextBoolean() ? view : inner;
                }
                case 15 -> {
                    if (!cyclesThroughRebuilt) {
                        return leaf();
                    }
                    // A record reached again from inside itself, through a list.
                    List<Object> list = new ArrayList<>();
                    Pair pair = new Pair(list, value(depth + 1));
                    list.add(pair);
                    return random.nextBoolean() ? pair : list;
                }
                case 16 -> {
                    if (!cyclesThroughRebuilt) {
                        return leaf();
                    }
                    // An immutable list reached again from inside itself, through a list.
                    List<Object> list = new ArrayList<>();
                    List<Object> immutable = List.of(list, "x");
                    list.add(immutable);
                    return random.nextBoolean() ? immutable : list;
                }
                default -> {
                    Object[] array = new Object[n];
                    for (int i = 0; i < n; i++) {
                        array[i] = value(depth + 1);
                    }
                    return array;
                }
            }
        }
    }

    /**
     * Compares two graphs by shape: the same classes, equal leaves, equal elements in order (sets
     * and map keys by equality), and the same pattern of sharing, so that cycles terminate.
     */
    static final class Shape {
        private final IdentityHashMap<Object, Object> paired = new IdentityHashMap<>();
        private String mismatch = "";

        /** Null if the graphs have the same shape, else where they differ. */
        static String difference(Object a, Object b) {
            Shape shape = new Shape();
            return shape.compare(a, b) ? null : shape.mismatch;
        }

        /** The JDK's immutable collections may read back as another of their classes, still equal. */
        private static boolean sameKind(Object a, Object b) {
            return (a instanceof List<?> && b instanceof List<?>)
                    || (a instanceof Set<?> && b instanceof Set<?>)
                    || (a instanceof Map<?, ?> && b instanceof Map<?, ?>);
        }

        private boolean compare(Object a, Object b) {
            if (a == null || b == null) {
                return a == b;
            }
            if (a.getClass() != b.getClass() && !sameKind(a, b)) {
                mismatch = a.getClass().getName() + " became " + b.getClass().getName();
                return false;
            }
            if (isLeaf(a)) {
                if (!a.equals(b)) {
                    mismatch = a + " became " + b;
                }
                return a.equals(b);
            }
            Object seen = paired.get(a);
            if (seen != null) {
                if (seen != b) {
                    mismatch = "a shared or cyclic " + a.getClass().getName() + " became distinct objects";
                }
                return seen == b;
            }
            paired.put(a, b);
            if (a.getClass().isArray()) {
                int length = Array.getLength(a);
                if (length != Array.getLength(b)) {
                    return false;
                }
                for (int i = 0; i < length; i++) {
                    if (!compare(Array.get(a, i), Array.get(b, i))) {
                        return false;
                    }
                }
                return true;
            }
            if (a instanceof Set<?> sa) {
                return sa.equals(b);
            }
            if (a instanceof List<?> la) {
                List<?> lb = (List<?>) b;
                if (la.size() != lb.size()) {
                    return false;
                }
                Iterator<?> ib = lb.iterator();
                for (Object element : la) {
                    if (!compare(element, ib.next())) {
                        return false;
                    }
                }
                return true;
            }
            if (a instanceof Map<?, ?> ma) {
                Map<?, ?> mb = (Map<?, ?>) b;
                if (ma.size() != mb.size() || !ma.keySet().equals(mb.keySet())) {
                    return false;
                }
                for (Map.Entry<?, ?> entry : ma.entrySet()) {
                    if (!compare(entry.getValue(), mb.get(entry.getKey()))) {
                        return false;
                    }
                }
                return true;
            }
            if (a instanceof Collection<?>) {
                throw new IllegalStateException("no comparison for " + a.getClass());
            }
            if (a instanceof Optional<?> oa) {
                return compare(oa.orElse(null), ((Optional<?>) b).orElse(null));
            }
            return fields(a, b);
        }

        private boolean fields(Object a, Object b) {
            for (Class<?> type = a.getClass(); type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers())) {
                        continue;
                    }
                    field.setAccessible(true);
                    try {
                        if (!compare(field.get(a), field.get(b))) {
                            return false;
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return true;
        }

        private static boolean isLeaf(Object value) {
            return value instanceof String
                    || value instanceof Number
                    || value instanceof Boolean
                    || value instanceof Character
                    || value instanceof UUID
                    || value instanceof LocalDate
                    || value instanceof Instant;
        }

        /** A short description; cycles are shown as {@code ...}. */
        static String show(Object value) {
            String text;
            try {
                text = value == null
                        ? "null"
                        : value.getClass().isArray()
                                ? value.getClass().getSimpleName() + "[" + Array.getLength(value) + "]"
                                : value.getClass().getName() + "@" + shallow(value);
            } catch (StackOverflowError e) {
                text = value.getClass().getName() + " (cyclic)";
            }
            return text.length() > 300 ? text.substring(0, 300) + "..." : text;
        }

        private static String shallow(Object value) {
            if (value instanceof Collection<?> c) {
                return "size " + c.size();
            }
            if (value instanceof Map<?, ?> m) {
                return "size " + m.size();
            }
            return String.valueOf(value);
        }
    }
}
