package dev.cachekit.codec;

import dev.cachekit.CodecException;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamField;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Finds, before Java serialization writes a value, a reference back into a record or into an
 * object replaced when written or read ({@code writeReplace}, {@code readResolve}: the JDK's
 * immutable and unmodifiable collections) from inside that object. Java serialization builds such
 * an object only after reading what it holds, so the reference would read back as {@code null} or
 * as the serial form: a silently different value. Walks collections, maps, object arrays and
 * records in the order serialization writes them, and the serializable fields of classes outside
 * the JDK; a class with its own {@code writeObject} may write in another order than assumed here.
 * Not thread-safe: one walk per instance.
 */
final class RebuiltCycles {

    private static final ClassValue<Boolean> BUILT_AFTER = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return type.isRecord() || replaced(type);
        }
    };

    /** Objects whose walk is done, or under way and built before their contents. */
    private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    /** Objects whose walk is under way and that are built only after their contents. */
    private final IdentityHashMap<Object, Boolean> building = new IdentityHashMap<>();

    private RebuiltCycles() {}

    /**
     * Fails if {@code value} reaches one of those objects again from inside it.
     *
     * @throws CodecException naming the object's class
     */
    static void check(Object value, String codecName) {
        try {
            new RebuiltCycles().walk(value, codecName);
        } catch (StackOverflowError e) {
            throw new CodecException("the value nests too deeply to be checked (StackOverflowError)", e);
        }
    }

    private void walk(Object value, String codecName) {
        if (value == null || seen.containsKey(value)) {
            return;
        }
        boolean container = value instanceof Collection<?>
                || value instanceof Map<?, ?>
                || value instanceof Object[]
                || value instanceof Record
                || ownClass(value.getClass());
        if (!container) {
            return;
        }
        if (building.containsKey(value)) {
            throw new CodecException("a " + value.getClass().getName() + " contains itself, and " + codecName
                    + " builds one only after reading what it holds, so it would read back as another value;"
                    + " hold the cycle in a mutable collection such as an ArrayList, or use KryoCodec");
        }
        boolean builtAfter = BUILT_AFTER.get(value.getClass());
        (builtAfter ? building : seen).put(value, Boolean.TRUE);
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                walk(entry.getKey(), codecName);
                walk(entry.getValue(), codecName);
            }
        } else if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                walk(element, codecName);
            }
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                walk(element, codecName);
            }
        } else if (value instanceof Record record) {
            walkRecord(record, codecName);
        } else {
            walkFields(value, codecName);
        }
        if (builtAfter) {
            building.remove(value);
            seen.put(value, Boolean.TRUE);
        }
    }

    /** A record's components, in the order serialization writes its fields. */
    private void walkRecord(Record record, String codecName) {
        ObjectStreamClass serial = ObjectStreamClass.lookup(record.getClass());
        if (serial == null) {
            return; // not Serializable: writing it fails anyway
        }
        RecordComponent[] components = record.getClass().getRecordComponents();
        for (ObjectStreamField field : serial.getFields()) {
            if (field.isPrimitive()) {
                continue;
            }
            for (RecordComponent component : components) {
                if (component.getName().equals(field.getName())) {
                    walk(read(component, record), codecName);
                }
            }
        }
    }

    /** A class whose fields are walked: not the JDK's (their state is strings, numbers, arrays). */
    private static boolean ownClass(Class<?> type) {
        String name = type.getName();
        return !type.isArray() && !name.startsWith("java.") && !name.startsWith("javax.") && !name.startsWith("jdk.");
    }

    /** An object's serializable fields, superclasses first, as serialization writes them. */
    private void walkFields(Object value, String codecName) {
        java.util.List<Class<?>> classes = new java.util.ArrayList<>();
        for (Class<?> c = value.getClass(); c != null && ownClass(c); c = c.getSuperclass()) {
            classes.add(0, c);
        }
        for (Class<?> c : classes) {
            ObjectStreamClass serial = ObjectStreamClass.lookup(c);
            if (serial == null) {
                continue;
            }
            for (ObjectStreamField field : serial.getFields()) {
                if (field.isPrimitive()) {
                    continue;
                }
                Object fieldValue;
                try {
                    java.lang.reflect.Field declared = c.getDeclaredField(field.getName());
                    declared.setAccessible(true);
                    fieldValue = declared.get(value);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue; // a field it cannot read (serialPersistentFields, a closed module) it cannot judge
                }
                walk(fieldValue, codecName);
            }
        }
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            Method accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // a component it cannot read is one it cannot judge
        }
    }

    private static boolean replaced(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (String name : new String[] {"writeReplace", "readResolve"}) {
                try {
                    c.getDeclaredMethod(name);
                    return true;
                } catch (NoSuchMethodException e) {
                    // look further up
                }
            }
        }
        return false;
    }
}
