package dev.cachekit.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cachekit on the module path: cache-api as the named module {@code dev.cachekit.api}, the backends
 * as the automatic modules their jars name. Runs in a module layer of its own, built from this
 * test's class path.
 */
@DisplayName("On the module path")
class ModulePathTest {

    /** The backend modules, by the directory their classes are built in. */
    private static final Map<String, String> BACKENDS = Map.of(
            "cache-redis", "dev.cachekit.redis",
            "cache-memcached", "dev.cachekit.memcached",
            "cache-hazelcast", "dev.cachekit.hazelcast");

    @TempDir
    Path temp;

    @Test
    @DisplayName("every backend's provider is bound, a memory: cache works, and the backends reach their servers")
    void backendsResolveAndRun() throws Exception {
        ModuleLayer layer = layer();
        ClassLoader loader = layer.findLoader("dev.cachekit.api");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Class<?> caches = loader.loadClass("dev.cachekit.core.Caches");
            Map<?, ?> schemes = (Map<?, ?>) caches.getMethod("schemes").invoke(null);
            Set<Object> names = Set.copyOf(schemes.keySet());
            assertThat(names)
                    .containsExactlyInAnyOrder(
                            "memory",
                            "redis",
                            "rediss",
                            "redis-cluster",
                            "redis-sentinel",
                            "memcached",
                            "memcacheds",
                            "hazelcast");
            for (Object providers : schemes.values()) {
                assertThat((List<?>) providers)
                        .singleElement()
                        .satisfies(p -> assertThat(p.getClass().getModule().isNamed())
                                .as("%s comes from a module", p.getClass().getName())
                                .isTrue());
            }

            Class<?> cacheType = loader.loadClass("dev.cachekit.Cache");
            Object cache = caches.getMethod("open", String.class).invoke(null, "memory:");
            try {
                cacheType.getMethod("put", String.class, Object.class).invoke(cache, "k", "v");
                Object lookup =
                        cacheType.getMethod("get", String.class, Class.class).invoke(cache, "k", String.class);
                assertThat(lookup.getClass().getMethod("value").invoke(lookup)).isEqualTo("v");
            } finally {
                ((AutoCloseable) cache).close();
            }

            // The providers run their own code, which uses cachekit's internal helpers, up to the
            // connection; a closed port then fails as cachekit's StoreException, not as an
            // IllegalAccessError from a package the module does not export to them.
            int closed = closedPort();
            Method backend = caches.getMethod("backend", String.class);
            for (String uri : List.of(
                    "redis://127.0.0.1:" + closed + "?timeout=500ms",
                    "memcached://127.0.0.1:" + closed + "?timeout=500ms")) {
                Throwable thrown = thrownBy(backend, uri);
                assertThat(thrown.getClass().getName())
                        .as("%s: %s", uri, thrown)
                        .isEqualTo("dev.cachekit.StoreException");
                assertThat(thrown.getClass().getModule().getName()).isEqualTo("dev.cachekit.api");
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Throwable thrownBy(Method method, String argument) throws IllegalAccessException {
        try {
            Object opened = method.invoke(null, argument);
            ((AutoCloseable) opened).close();
        } catch (InvocationTargetException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError(argument + " opened, but nothing listens there");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** cache-api, the three backends and their dependencies, from the class path, as modules. */
    private ModuleLayer layer() throws IOException {
        List<Path> path = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Paths.get(entry);
            String name = p.getFileName().toString();
            if (name.startsWith("cache-api") || p.toString().contains(File.separator + "cache-api" + File.separator)) {
                path.add(p);
            } else if (isBackend(p)) {
                path.add(Files.isDirectory(p) ? jar(p) : p);
            } else if (name.endsWith(".jar") && !isTestOnly(name)) {
                path.add(p);
            }
        }
        ModuleFinder finder = ModuleFinder.of(path.toArray(Path[]::new));
        // Every module on the path is a root, as with --add-modules ALL-MODULE-PATH: automatic
        // modules (the backends, Jedis, spymemcached) declare no requires, so nothing else would
        // pull in an explicit module such as commons-pool2 that Jedis needs.
        Set<String> roots = finder.findAll().stream()
                .map(reference -> reference.descriptor().name())
                .collect(java.util.stream.Collectors.toSet());
        assertThat(roots).contains("dev.cachekit.api").containsAll(BACKENDS.values());
        Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        return ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    }

    private static boolean isBackend(Path entry) {
        return BACKENDS.keySet().stream()
                .anyMatch(module -> entry.getFileName().toString().startsWith(module + "-")
                        || entry.toString().contains(File.separator + module + File.separator));
    }

    /** The test framework and this module's own classes stay on the class path. */
    private static boolean isTestOnly(String jar) {
        return Stream.of("junit-", "opentest4j", "apiguardian", "assertj-", "byte-buddy", "surefire", "slf4j-simple")
                .anyMatch(jar::startsWith);
    }

    /**
     * A backend built into a directory (a reactor build that stopped before packaging) becomes a
     * jar with the automatic module name its real jar carries.
     */
    private Path jar(Path classes) throws IOException {
        String module = BACKENDS.entrySet().stream()
                .filter(e -> classes.toString().contains(File.separator + e.getKey() + File.separator))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Automatic-Module-Name", module);
        Path jar = temp.resolve(module + ".jar");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = classes.relativize(f).toString().replace(File.separatorChar, '/');
                if (name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(name));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
