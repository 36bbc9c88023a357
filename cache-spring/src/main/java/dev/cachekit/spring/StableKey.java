package dev.cachekit.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.UUID;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * Maps the key objects Spring hands a cache to strings that are the same in every JVM and every
 * run, and different for keys that are different.
 *
 * <table>
 *   <caption>Key forms</caption>
 *   <tr><th>key</th><th>stable form</th></tr>
 *   <tr><td>{@code String}, {@code Character}</td><td>the text itself ({@code alice}); a text
 *       that starts with {@code #} gets one more {@code #} in front</td></tr>
 *   <tr><td>{@code Integer}, {@code Long}, {@code Short}, {@code Byte}, {@code BigInteger},
 *       {@code BigDecimal}, {@code Double}, {@code Float}</td><td>{@code #} and the number in plain
 *       decimal, trailing zeros dropped ({@code #42}, {@code #-1.5}); numerically equal numbers
 *       share an entry</td></tr>
 *   <tr><td>{@code Boolean}</td><td>{@code #true}, {@code #false}</td></tr>
 *   <tr><td>an enum constant</td><td>{@code #} and the enum's class name, a dot and the constant's
 *       name ({@code #com.shop.Status.ACTIVE})</td></tr>
 *   <tr><td>{@code UUID}, {@code Instant}, {@code LocalDate}, {@code LocalDateTime}, {@code
 *       LocalTime}, {@code OffsetDateTime}, {@code ZonedDateTime}, {@code Duration}</td><td>{@code
 *       #}, the simple class name, {@code :} and the ISO text ({@code #LocalDate:2024-05-01})</td></tr>
 *   <tr><td>{@link CacheKey}</td><td>{@code #}, the class name, {@code :} and {@link
 *       CacheKey#cacheKey()}</td></tr>
 *   <tr><td>a record</td><td>{@code #}, the record's class name and its components' forms in
 *       parentheses ({@code #com.shop.OrderKey(#42,EUR)})</td></tr>
 *   <tr><td>{@link SimpleKey} (several method arguments)</td><td>the arguments' forms in
 *       parentheses ({@code #(alice,#42)}); no arguments: {@code #()}</td></tr>
 *   <tr><td>{@code null} inside a record or a {@code SimpleKey}</td><td>{@code #null}</td></tr>
 * </table>
 *
 * <p>Inside parentheses each part has {@code \}, {@code ,} and {@code )} escaped with a {@code \},
 * so nested keys never run into each other. Any other type is refused with an {@link
 * IllegalArgumentException} naming it: its {@code hashCode()} or default {@code toString()} differs
 * between JVMs, which would make every node miss the others' entries.
 */
public final class StableKey {

    private StableKey() {}

    /**
     * The stable form of a key.
     *
     * @param key the key Spring passed (never null: Spring refuses null keys)
     * @return its stable form
     * @throws IllegalArgumentException if the key, or a part of it, is of a type without a stable
     *     form; the message names the type and the ways out
     */
    public static String of(Object key) {
        if (key == null) {
            throw new IllegalArgumentException("a cache key must not be null");
        }
        return form(key, key);
    }

    private static String form(Object part, Object whole) {
        if (part instanceof String text) {
            return text.startsWith("#") ? "#" + text : text;
        }
        if (part instanceof Character c) {
            return form(c.toString(), whole);
        }
        if (part instanceof Integer || part instanceof Long || part instanceof Short || part instanceof Byte) {
            return "#" + ((Number) part).longValue();
        }
        if (part instanceof BigInteger number) {
            return "#" + number;
        }
        if (part instanceof BigDecimal number) {
            return "#" + plain(number);
        }
        if (part instanceof Double || part instanceof Float) {
            double value = ((Number) part).doubleValue();
            return Double.isFinite(value) ? "#" + plain(new BigDecimal(Double.toString(value))) : "#" + value;
        }
        if (part instanceof Boolean flag) {
            return "#" + flag;
        }
        if (part instanceof Enum<?> constant) {
            return "#" + constant.getDeclaringClass().getName() + "." + constant.name();
        }
        if (part instanceof UUID
                || part instanceof Instant
                || part instanceof LocalDate
                || part instanceof LocalDateTime
                || part instanceof LocalTime
                || part instanceof OffsetDateTime
                || part instanceof ZonedDateTime
                || part instanceof Duration) {
            return "#" + part.getClass().getSimpleName() + ":" + part;
        }
        if (part instanceof CacheKey custom) {
            String text = custom.cacheKey();
            if (text == null) {
                throw new IllegalArgumentException(
                        part.getClass().getName() + ".cacheKey() returned null; it must return a stable string");
            }
            return "#" + part.getClass().getName() + ":" + text;
        }
        if (part instanceof SimpleKey simpleKey) {
            return "#" + parts(simpleKeyParams(simpleKey), whole);
        }
        if (part instanceof Record record) {
            RecordComponent[] components = record.getClass().getRecordComponents();
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                values[i] = component(record, components[i]);
            }
            return "#" + record.getClass().getName() + parts(values, whole);
        }
        throw unsupported(part, whole);
    }

    private static String plain(BigDecimal number) {
        return number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
    }

    private static String parts(Object[] values, Object whole) {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            String form = values[i] == null ? "#null" : form(values[i], whole);
            for (int j = 0; j < form.length(); j++) {
                char c = form.charAt(j);
                if (c == '\\' || c == ',' || c == ')') {
                    out.append('\\');
                }
                out.append(c);
            }
        }
        return out.append(')').toString();
    }

    private static Object component(Record record, RecordComponent component) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot read component " + component.getName() + " of the cache key record "
                            + record.getClass().getName() + ": " + e,
                    e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(
                    "the accessor of component " + component.getName() + " of the cache key record "
                            + record.getClass().getName() + " threw " + e.getCause(),
                    e.getCause());
        }
    }

    private static Object[] simpleKeyParams(SimpleKey key) {
        // SimpleKey keeps its arguments private; its toString lists them but through their own
        // toString, so read the field. Spring has kept it, named params, since 4.0.
        try {
            var field = SimpleKey.class.getDeclaredField("params");
            field.setAccessible(true);
            Object[] params = (Object[]) field.get(key);
            return Arrays.copyOf(params, params.length);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read the arguments of a SimpleKey (" + key + "); use a KeyGenerator that returns a"
                            + " record of the arguments instead",
                    e);
        }
    }

    private static IllegalArgumentException unsupported(Object part, Object whole) {
        String type = part.getClass().getName();
        String where = part == whole
                ? "a cache key of type " + type
                : "a cache key (" + whole.getClass().getName() + ") holding a part of type " + type;
        return new IllegalArgumentException(where + " has no stable form: its hashCode() and default toString()"
                + " differ between JVMs. Use a key the cache knows (String, a number, Boolean, an enum, UUID,"
                + " java.time values, a record or SimpleKey of these), name one in the annotation"
                + " (@Cacheable(key = \"#p0.id\")), give the cache a KeyGenerator that returns one, or let "
                + type + " implement dev.cachekit.spring.CacheKey");
    }
}
