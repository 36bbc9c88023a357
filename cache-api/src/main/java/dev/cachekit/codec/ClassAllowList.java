package dev.cachekit.codec;

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
            "java.util.Locale");

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

    static String adviceFor(String className, String codecName) {
        int dot = className.lastIndexOf('.');
        String pkg = dot > 0 ? className.substring(0, dot + 1) : className;
        return "class " + className + " is not on the " + codecName + " codec's allow-list; allow it with "
                + (codecName.equals("kryo") ? "KryoCodec" : "JdkCodec") + ".builder().allowClass(" + simple(className)
                + ".class) or .allowPackage(\"" + pkg + "\")";
    }

    private static String simple(String className) {
        int dot = className.lastIndexOf('.');
        return (dot >= 0 ? className.substring(dot + 1) : className).replace('$', '.');
    }
}
