package dev.cachekit.codec;

import dev.cachekit.CodecException;
import java.lang.invoke.MethodType;

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
        Class<?> boxed = MethodType.methodType(type).wrap().returnType();
        if (!boxed.isInstance(value)) {
            throw new CodecException("the cached value is a " + value.getClass().getName() + ", not a " + type.getName()
                    + "; read it with the type it was written with");
        }
        return (T) value;
    }
}
