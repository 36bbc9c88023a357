package dev.cachekit.tck;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Names the kit's groups after the fixture they run against ({@code redis cluster: Store: Expiry}),
 * so two backends tested in one module never report under the same name. The fixture's name comes
 * from {@link BackendFixture#name()} of the outermost test class, instantiated for the purpose;
 * when that fails the class's simple name stands in.
 */
final class FixtureNames implements DisplayNameGenerator {

    @Override
    public String generateDisplayNameForClass(Class<?> testClass) {
        return testClass.getSimpleName();
    }

    @Override
    public String generateDisplayNameForNestedClass(Class<?> nestedClass) {
        return describe(nestedClass);
    }

    @Override
    public String generateDisplayNameForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> nestedClass) {
        if (enclosingInstanceTypes.isEmpty()) {
            return describe(nestedClass);
        }
        return fixtureName(enclosingInstanceTypes.get(0)) + ": " + describe(nestedClass);
    }

    @Override
    public String generateDisplayNameForMethod(Class<?> testClass, Method testMethod) {
        return testMethod.getName() + "()";
    }

    @Override
    public String generateDisplayNameForMethod(
            List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        return testMethod.getName() + "()";
    }

    /**
     * A nested class as words: {@code Store contract} for a class that extends {@code StoreContract},
     * {@code Store: Expiry} for the group {@code Expiry} of {@code StoreContract}.
     */
    static String describe(Class<?> nested) {
        String contract = contractOf(nested);
        if (contract != null) {
            return contract + " contract";
        }
        Class<?> declaring = nested.getEnclosingClass();
        String group = sentence(nested.getSimpleName());
        String owner = declaring == null ? null : contractOf(declaring);
        return owner == null ? group : owner + ": " + group;
    }

    /** {@code Store} for a subclass of {@code StoreContract}, else {@code null}. */
    private static String contractOf(Class<?> type) {
        for (Class<?> at = type; at != null && at != Object.class; at = at.getSuperclass()) {
            String name = at.getSimpleName();
            if (ContractSupport.class.isAssignableFrom(at) && name.endsWith("Contract") && name.length() > 8) {
                return name.substring(0, name.length() - "Contract".length());
            }
        }
        return null;
    }

    /** {@code ReadingAndWriting} as {@code Reading and writing}. */
    static String sentence(String camelCase) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camelCase.length(); i++) {
            char c = camelCase.charAt(i);
            if (i > 0 && Character.isUpperCase(c)) {
                out.append(' ').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String fixtureName(Class<?> testClass) {
        try {
            Object instance = ReflectionSupport.newInstance(testClass);
            BackendFixture fixture = instance instanceof Tck tck
                    ? tck.fixture()
                    : instance instanceof ContractSupport contract ? contract.fixture() : null;
            if (fixture != null) {
                return fixture.name();
            }
        } catch (RuntimeException | LinkageError e) {
            // Named by its class below: a name is no reason to fail discovery.
        }
        return testClass.getSimpleName();
    }
}
