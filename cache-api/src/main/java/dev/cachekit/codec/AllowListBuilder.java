package dev.cachekit.codec;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link KryoCodec.Builder} and {@link JdkCodec.Builder} share: the class allow-list (which
 * starts with the default classes listed on {@link KryoCodec}), the class loader, and the decoding
 * limits.
 *
 * <p>The limits bound what one entry can make a reader do, whoever wrote it. Defaults: depth 64,
 * 10,000,000 elements in one collection, map, array or string, and in all at most 16 declared
 * elements per byte of the entry (plus 4,096). Hashing the collections of one entry may visit at
 * most {@code allocationRatio} elements per byte of the entry plus 1,000,000, counting a collection
 * shared by several references once per reference (the work {@code hashCode} does). An entry over a
 * limit fails to decode with a {@link dev.cachekit.CodecException} naming the limit; the codecs
 * read every value back under the same limits when they encode it, so such a value is refused when
 * it is written rather than stored.
 *
 * @param <B> the concrete builder
 * @param <C> the codec it builds
 */
public abstract class AllowListBuilder<B extends AllowListBuilder<B, C>, C extends Codec> {

    private final Set<String> classes = new HashSet<>(ClassAllowList.DEFAULT_CLASSES);
    private final Set<String> packages = new HashSet<>(ClassAllowList.DEFAULT_PACKAGES);
    private ClassLoader classLoader = AllowListBuilder.class.getClassLoader();
    private int maxDepth = DecodeLimits.DEFAULT_MAX_DEPTH;
    private int maxLength = DecodeLimits.DEFAULT_MAX_LENGTH;
    private int allocationRatio = DecodeLimits.DEFAULT_ALLOCATION_RATIO;

    AllowListBuilder() {}

    /**
     * Allows one class. The classes of its fields must be allowed too, and for {@link JdkCodec} its
     * serializable superclasses.
     *
     * @param type the class
     * @return this builder
     */
    public B allowClass(Class<?> type) {
        classes.add(Objects.requireNonNull(type, "type").getName());
        return self();
    }

    /**
     * Allows one class by its binary name ({@code "com.acme.Order$Line"}), for classes the calling
     * code cannot name, such as a non-public nested class. Nothing is loaded here.
     *
     * @param className the binary name, as {@link Class#getName()} gives it
     * @return this builder
     */
    public B allowClass(String className) {
        Objects.requireNonNull(className, "className");
        if (className.isEmpty() || className.startsWith("[")) {
            throw new IllegalArgumentException(
                    "allow the element class of an array, not the array; was \"" + className + "\"");
        }
        classes.add(className);
        return self();
    }

    /**
     * Sets how deeply objects may nest in one entry (default 64): a collection in a collection, a
     * field's object in an object. Deeper entries fail to decode before they can overflow the
     * reader's stack.
     *
     * @param depth at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code depth} is less than 1
     */
    public B maxDepth(int depth) {
        this.maxDepth = atLeastOne(depth, "maxDepth");
        return self();
    }

    /**
     * Sets how many elements one collection, map or array, or how many chars one string, may
     * declare (default 10,000,000). Checked before anything of that length is allocated.
     *
     * @param length at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code length} is less than 1
     */
    public B maxLength(int length) {
        this.maxLength = atLeastOne(length, "maxLength");
        return self();
    }

    /**
     * Sets how many elements, in all its collections, maps, arrays and strings, an entry may declare
     * per byte of its own size (default 16, plus 4,096 for any entry); the same ratio bounds, plus
     * 1,000,000, how many elements hashing the entry's collections may visit. An entry whose bytes
     * cannot hold what it declares is refused before the memory is allocated.
     *
     * @param ratio at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code ratio} is less than 1
     */
    public B allocationRatio(int ratio) {
        this.allocationRatio = atLeastOne(ratio, "allocationRatio");
        return self();
    }

    private static int atLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    name + " must be at least 1 (largest accepted: " + Integer.MAX_VALUE + "); was " + value);
        }
        return value;
    }

    /**
     * Allows every class whose name starts with {@code prefix}.
     *
     * @param prefix a package name, ending with a dot ({@code "com.acme.model."})
     * @return this builder
     * @throws IllegalArgumentException if the prefix does not end with a dot
     */
    public B allowPackage(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || !prefix.endsWith(".")) {
            throw new IllegalArgumentException(
                    "a package prefix must end with a dot, like \"com.acme.model.\"; was \"" + prefix + "\"");
        }
        packages.add(prefix);
        return self();
    }

    /**
     * Loads allowed classes through {@code loader} (default: the loader of cache-api).
     *
     * @param loader the class loader
     * @return this builder
     */
    public B classLoader(ClassLoader loader) {
        this.classLoader = Objects.requireNonNull(loader, "loader");
        return self();
    }

    /**
     * Builds the codec.
     *
     * @return the codec
     */
    public abstract C build();

    ClassAllowList allowList() {
        return new ClassAllowList(classes, packages);
    }

    DecodeLimits limits() {
        return new DecodeLimits(maxDepth, maxLength, allocationRatio);
    }

    ClassLoader loader() {
        return classLoader;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
