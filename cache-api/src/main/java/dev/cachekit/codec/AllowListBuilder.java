package dev.cachekit.codec;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link KryoCodec.Builder} and {@link JdkCodec.Builder} share: the class allow-list (which
 * starts with the default classes listed on {@link KryoCodec}) and the class loader.
 *
 * @param <B> the concrete builder
 * @param <C> the codec it builds
 */
public abstract class AllowListBuilder<B extends AllowListBuilder<B, C>, C extends Codec> {

    private final Set<String> classes = new HashSet<>(ClassAllowList.DEFAULT_CLASSES);
    private final Set<String> packages = new HashSet<>(ClassAllowList.DEFAULT_PACKAGES);
    private ClassLoader classLoader = AllowListBuilder.class.getClassLoader();

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

    ClassLoader loader() {
        return classLoader;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
