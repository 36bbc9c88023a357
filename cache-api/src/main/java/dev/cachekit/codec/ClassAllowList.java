package dev.cachekit.codec;

import dev.cachekit.CodecException;
import dev.cachekit.internal.Printable;
import java.lang.reflect.Modifier;
import java.util.Set;

/**
 * Which class names a codec may load: exact names, and package prefixes. Arrays are judged by
 * their component type. Shared by {@link KryoCodec} and {@link JdkCodec} so both accept the same
 * classes by default.
 */
final class ClassAllowList {

    /** Classes any value needs and whose loading runs no user code. */
    static final Set<String> DEFAULT_CLASSES = Set.of(
            "java.lang.String",
            "java.lang.Boolean",
            "java.lang.Byte",
            "java.lang.Character",
            "java.lang.Short",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Float",
            "java.lang.Double",
            "java.lang.Number",
            "java.lang.Enum",
            "java.lang.Object",
            "java.math.BigInteger",
            "java.math.BigDecimal",
            "java.util.ArrayList",
            "java.util.LinkedList",
            "java.util.HashMap",
            "java.util.LinkedHashMap",
            "java.util.TreeMap",
            "java.util.HashSet",
            "java.util.LinkedHashSet",
            "java.util.TreeSet",
            "java.util.UUID",
            "java.util.Date",
            "java.util.Optional",
            "java.util.Locale",
            // HashMap and HashSet check their table size against Map.Entry[] when Java
            // serialization reads them.
            "java.util.Map$Entry",
            // The JDK's immutable and unmodifiable collections; Java serialization writes the
            // immutable ones as CollSer.
            "java.util.CollSer",
            "java.util.ImmutableCollections$List12",
            "java.util.ImmutableCollections$ListN",
            "java.util.ImmutableCollections$SubList",
            "java.util.ImmutableCollections$Set12",
            "java.util.ImmutableCollections$SetN",
            "java.util.ImmutableCollections$Map1",
            "java.util.ImmutableCollections$MapN",
            "java.util.Arrays$ArrayList",
            "java.util.Collections$UnmodifiableCollection",
            "java.util.Collections$UnmodifiableList",
            "java.util.Collections$UnmodifiableRandomAccessList",
            "java.util.Collections$UnmodifiableSet",
            "java.util.Collections$UnmodifiableMap",
            "java.util.Collections$EmptyList",
            "java.util.Collections$EmptySet",
            "java.util.Collections$EmptyMap",
            "java.util.Collections$SingletonList",
            "java.util.Collections$SingletonSet",
            "java.util.Collections$SingletonMap");

    /** Packages whose classes are plain values. */
    static final Set<String> DEFAULT_PACKAGES = Set.of("java.time.");

    private final Set<String> classes;
    private final Set<String> packages;

    ClassAllowList(Set<String> classes, Set<String> packages) {
        this.classes = Set.copyOf(classes);
        this.packages = Set.copyOf(packages);
    }

    boolean allows(String className) {
        String name = componentName(className);
        if (name == null) {
            return true; // an array of primitives
        }
        if (classes.contains(name)) {
            return true;
        }
        for (String prefix : packages) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The element class name of an array descriptor, the name itself otherwise; null for primitives. */
    private static String componentName(String className) {
        if (!className.startsWith("[")) {
            return className;
        }
        String element = className.replaceFirst("^\\[+", "");
        if (element.startsWith("L") && element.endsWith(";")) {
            return element.substring(1, element.length() - 1);
        }
        return null;
    }

    /**
     * Fails if values of {@code type} would be refused: a concrete class (or array of one) outside
     * the list. Interfaces, abstract classes and {@code Object} pass, since an allowed class may
     * implement or extend them.
     */
    void checkEncodable(Class<?> type, String codecName) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        boolean concrete = !element.isPrimitive()
                && element != Object.class
                && !element.isInterface()
                && !Modifier.isAbstract(element.getModifiers());
        if (concrete && !allows(element.getName())) {
            throw new CodecException(adviceFor(element.getName(), codecName));
        }
    }

    /**
     * Why a class was refused and the builder call that allows it, as code that compiles whatever
     * the class's visibility. A name that is no Java class name (hostile bytes) gets no advice.
     */
    static String adviceFor(String className, String codecName) {
        String name = componentName(className);
        if (name == null || !isBinaryName(name)) {
            return "the entry names " + Printable.quote(className) + ", which is not a class on the " + codecName
                    + " codec's allow-list";
        }
        int dot = name.lastIndexOf('.');
        String builder = (codecName.equals("kryo") ? "KryoCodec" : "JdkCodec") + ".builder()";
        String advice = "class " + name + " is not on the " + codecName + " codec's allow-list; allow it with "
                + builder + ".allowClass(\"" + name + "\")";
        return dot > 0 ? advice + " or .allowPackage(\"" + name.substring(0, dot + 1) + "\")" : advice;
    }

    /**
     * The interfaces of a proxy that the list does not allow, in the order the proxy names them;
     * a proxy is allowed when all its interfaces are (its handler is judged as any other object).
     */
    java.util.List<String> refusedInterfaces(String[] interfaces) {
        java.util.List<String> refused = new java.util.ArrayList<>();
        for (String name : interfaces) {
            if (!allows(name)) {
                refused.add(name);
            }
        }
        return refused;
    }

    /**
     * Why a {@link java.lang.reflect.Proxy} was refused: its class (when known) and the interfaces
     * to allow, as builder calls; never the advice to allow {@code java.lang.reflect.}.
     *
     * @param proxyClass the proxy's class name, or null when reading (the stream names none)
     * @param interfaces every interface the proxy implements
     * @param refused those the list does not allow
     */
    static String proxyAdvice(
            String proxyClass, String[] interfaces, java.util.List<String> refused, String codecName) {
        StringBuilder names = new StringBuilder();
        for (String name : interfaces) {
            names.append(names.length() == 0 ? "" : ", ").append(Printable.escape(name));
        }
        String what = proxyClass == null
                ? "the entry holds a java.lang.reflect.Proxy implementing " + names
                : "the value is a java.lang.reflect.Proxy (class " + Printable.escape(proxyClass) + ") implementing "
                        + names;
        StringBuilder calls =
                new StringBuilder(codecName.equals("kryo") ? "KryoCodec" : "JdkCodec").append(".builder()");
        boolean allNames = true;
        for (String name : refused) {
            if (isBinaryName(name)) {
                calls.append(".allowClass(\"").append(name).append("\")");
            } else {
                allNames = false;
            }
        }
        String advice = refused.isEmpty() || !allNames
                ? ""
                : "; allow its interfaces with " + calls + ", and its InvocationHandler's class likewise";
        return what
                + (refused.isEmpty()
                        ? ""
                        : ", and "
                                + String.join(
                                        ", ",
                                        refused.stream().map(Printable::escape).toList())
                                + (refused.size() == 1 ? " is" : " are") + " not on the " + codecName
                                + " codec's allow-list")
                + advice;
    }

    private static boolean isBinaryName(String name) {
        if (name.isEmpty() || name.length() > 1000) {
            return false;
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.codePointAt(0))) {
                return false;
            }
            if (!part.codePoints().allMatch(Character::isJavaIdentifierPart)
                    || part.codePoints().anyMatch(Character::isIdentifierIgnorable)) {
                return false;
            }
        }
        return true;
    }
}
