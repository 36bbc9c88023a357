package dev.cachekit.codec;

import dev.cachekit.CodecException;

/** Checks a decoded value against the type the caller asked for, boxing primitive types. */
public final class CodecTypes {

    private CodecTypes() {}

    /**
     * Casts a value to the type a caller asked for ({@code int.class} accepts an {@code Integer}).
     *
     * @param value the value, or {@code null}
     * @param type the type asked for
     * @param <T> the type asked for
     * @return the value
     * @throws CodecException if the value is of another type
     */
    @SuppressWarnings("unchecked")
    public static <T> T cast(Object value, Class<T> type) {
        if (value == null) {
            return null;
        }
        // Not MethodType.wrap(): that interns a MethodType per call, and this runs on every read.
        Class<?> boxed = type.isPrimitive() ? boxed(type) : type;
        if (!boxed.isInstance(value)) {
            throw new CodecException("the cached value is a " + value.getClass().getName() + ", not a " + type.getName()
                    + "; read it with the type it was written with");
        }
        return (T) value;
    }

    private static Class<?> boxed(Class<?> primitive) {
        if (primitive == int.class) {
            return Integer.class;
        } else if (primitive == long.class) {
            return Long.class;
        } else if (primitive == boolean.class) {
            return Boolean.class;
        } else if (primitive == double.class) {
            return Double.class;
        } else if (primitive == float.class) {
            return Float.class;
        } else if (primitive == short.class) {
            return Short.class;
        } else if (primitive == byte.class) {
            return Byte.class;
        } else if (primitive == char.class) {
            return Character.class;
        }
        return Void.class;
    }
}
