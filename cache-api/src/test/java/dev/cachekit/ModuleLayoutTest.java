package dev.cachekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shape of cache-api as the JVM and a reader see it: its packages form no cycle, its module
 * exports the API and SPI packages only, and a cache works when the jar is on the module path.
 */
class ModuleLayoutTest {

    private static final String MODULE = "dev.cachekit.api";

    /** The main classes of this module: a directory holding module-info.class. */
    private static Path classes() throws URISyntaxException {
        return Paths.get(
                Cache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The jars cache-api requires at run time, taken from the test class path. */
    private static List<Path> dependencyJars() {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Paths.get(entry).getFileName().toString();
            if (name.matches("(kryo|objenesis|minlog|reflectasm|slf4j-api|caffeine)-[\\d.]+\\.jar")) {
                jars.add(Paths.get(entry));
            }
        }
        return jars;
    }

    /** Package → the other cachekit packages its classes use, as jdeps reads the byte code. */
    private static Map<String, Set<String>> packageGraph() throws Exception {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = jdeps.run(
                new PrintWriter(out),
                new PrintWriter(err),
                "-verbose:class",
                "-filter:none",
                "--multi-release",
                "17",
                "--module-path",
                dependencyJars().stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator)),
                classes().toString());
        assertThat(code).as("jdeps failed: %s %s", out, err).isZero();
        Map<String, Set<String>> graph = new TreeMap<>();
        Pattern edge = Pattern.compile("^\\s+(dev\\.cachekit[\\w.$]*)\\s+->\\s+(dev\\.cachekit[\\w.$]*)\\s");
        for (String line : out.toString().split("\n")) {
            Matcher m = edge.matcher(line + " ");
            if (m.find()) {
                String from = packageOf(m.group(1));
                String to = packageOf(m.group(2));
                graph.computeIfAbsent(from, p -> new TreeSet<>());
                graph.computeIfAbsent(to, p -> new TreeSet<>());
                if (!from.equals(to)) {
                    graph.get(from).add(to);
                }
            }
        }
        return graph;
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    @Test
    void packagesFormNoCycle() throws Exception {
        Map<String, Set<String>> graph = packageGraph();
        assertThat(graph)
                .as("jdeps saw the packages")
                .containsKeys(
                        "dev.cachekit",
                        "dev.cachekit.core",
                        "dev.cachekit.codec",
                        "dev.cachekit.spi",
                        "dev.cachekit.memory",
                        "dev.cachekit.internal");
        assertThat(cycles(graph)).as("package cycles in %s", graph).isEmpty();
    }

    @Test
    void packagesSitInTheirLayers() throws Exception {
        Map<String, Set<String>> graph = packageGraph();
        assertThat(graph.get("dev.cachekit.internal"))
                .as("internal uses only the JDK")
                .isEmpty();
        assertThat(graph.get("dev.cachekit")).as("the API").isSubsetOf("dev.cachekit.internal");
        assertThat(graph.get("dev.cachekit.codec")).as("codecs").isSubsetOf("dev.cachekit", "dev.cachekit.internal");
        assertThat(graph.get("dev.cachekit.spi")).as("the SPI").isSubsetOf("dev.cachekit", "dev.cachekit.internal");
        assertThat(graph.get("dev.cachekit.memory"))
                .as("the memory backend")
                .isSubsetOf("dev.cachekit", "dev.cachekit.spi", "dev.cachekit.internal");
        graph.forEach((pkg, uses) -> {
            if (!pkg.equals("dev.cachekit.core")) {
                assertThat(uses).as("%s uses core", pkg).doesNotContain("dev.cachekit.core");
            }
        });
    }

    @Test
    void moduleExportsTheApiAndSpiOnly() throws Exception {
        ModuleDescriptor descriptor =
                ModuleFinder.of(classes()).find(MODULE).orElseThrow().descriptor();
        Map<String, Set<String>> exports = new TreeMap<>();
        for (ModuleDescriptor.Exports e : descriptor.exports()) {
            exports.put(e.source(), e.isQualified() ? new TreeSet<>(e.targets()) : Set.of("*"));
        }
        assertThat(exports)
                .containsOnlyKeys(
                        "dev.cachekit",
                        "dev.cachekit.core",
                        "dev.cachekit.codec",
                        "dev.cachekit.spi",
                        "dev.cachekit.internal",
                        "dev.cachekit.memory")
                .containsEntry("dev.cachekit", Set.of("*"))
                .containsEntry("dev.cachekit.core", Set.of("*"))
                .containsEntry("dev.cachekit.codec", Set.of("*"))
                .containsEntry("dev.cachekit.spi", Set.of("*"))
                .containsEntry(
                        "dev.cachekit.internal",
                        Set.of(
                                "dev.cachekit.redis",
                                "dev.cachekit.memcached",
                                "dev.cachekit.hazelcast",
                                "dev.cachekit.tck"))
                .containsEntry("dev.cachekit.memory", Set.of("dev.cachekit.tck"));
        assertThat(descriptor.opens()).as("no package is open to reflection").isEmpty();
        assertThat(descriptor.uses()).containsExactly("dev.cachekit.spi.CacheProvider");
    }

    /**
     * Loads cache-api and its dependencies as named modules in a fresh layer, opens {@code memory:}
     * through the exported entry point, and reads back what it wrote: the descriptor's requires,
     * uses and provides are complete.
     */
    @Test
    void cacheWorksOnTheModulePath() throws Exception {
        List<Path> path = new ArrayList<>();
        path.add(classes());
        path.addAll(dependencyJars());
        assertThat(path).as("module path %s", path).hasSize(7).allMatch(Files::exists);
        ModuleFinder finder = ModuleFinder.of(path.toArray(Path[]::new));
        Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), Set.of(MODULE));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader(MODULE);
        assertThat(layer.findModule(MODULE).orElseThrow().getDescriptor().isAutomatic())
                .isFalse();
        // Caffeine is a named module whose annotation modules are optional: resolved without them.
        assertThat(layer.findModule("com.github.benmanes.caffeine")
                        .orElseThrow()
                        .getDescriptor()
                        .isAutomatic())
                .isFalse();

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Class<?> caches = loader.loadClass("dev.cachekit.core.Caches");
            Class<?> cacheType = loader.loadClass("dev.cachekit.Cache");
            Object cache = caches.getMethod("open", String.class).invoke(null, "memory:");
            try {
                cacheType.getMethod("put", String.class, Object.class).invoke(cache, "k", "on the module path");
                Object lookup =
                        cacheType.getMethod("get", String.class, Class.class).invoke(cache, "k", String.class);
                Method value = lookup.getClass().getMethod("value");
                assertThat(value.invoke(lookup)).isEqualTo("on the module path");
                assertThat(cache.getClass().getModule().getName()).isEqualTo(MODULE);
            } finally {
                ((AutoCloseable) cache).close();
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Strongly connected components of more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, found, counter);
            }
        }
        return found;
    }

    private static void connect(
            String node,
            Map<String, Set<String>> graph,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<Set<String>> found,
            int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]);
        counter[0]++;
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, found, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }

    @Test
    void cycleFinderFindsACycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", Set.of("b"));
        graph.put("b", Set.of("c"));
        graph.put("c", Set.of("a"));
        graph.put("d", Set.of("a"));
        assertThat(cycles(graph)).containsExactly(Set.of("a", "b", "c"));
        graph.put("c", Set.of());
        assertThat(cycles(graph)).isEmpty();
    }
}
