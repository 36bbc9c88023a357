package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.StoreCapabilities;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** The kit tests itself: the healthy memory backend passes it, and every defective backend fails it. */
class TckSelfTest {

    /** Runs the whole kit against fresh fixtures from {@code fixtures}, tests in parallel. */
    private static Events runKit(Supplier<? extends BackendFixture> fixtures) {
        return runKit(fixtures, selectClass(ConfiguredKit.Bound.class));
    }

    /**
     * Runs the contracts that hold the {@code tests} against fresh fixtures from {@code fixtures}:
     * a store defect meets the whole store contract, not the whole kit, to keep the self-test short.
     */
    private static Events runContractsOf(Supplier<? extends BackendFixture> fixtures, Set<String> tests) {
        List<Class<?>> groups = List.of(
                Tck.StoreTests.class,
                Tck.TaggerTests.class,
                Tck.LockerTests.class,
                Tck.CacheTests.class,
                Tck.KeyTests.class,
                Tck.OutageTests.class);
        DiscoverySelector[] selectors = groups.stream()
                .filter(group -> declaredTests(group.getSuperclass()).stream().anyMatch(tests::contains))
                .map(group -> selectNestedClass(List.of(ConfiguredKit.Bound.class), group))
                .toArray(DiscoverySelector[]::new);
        assertThat(selectors).as("contracts holding %s", tests).isNotEmpty();
        return runKit(fixtures, selectors);
    }

    private static Set<String> declaredTests(Class<?> contract) {
        Set<String> names = new TreeSet<>();
        for (Class<?> group : contract.getDeclaredClasses()) {
            for (Method method : group.getDeclaredMethods()) {
                names.add(method.getName());
            }
        }
        return names;
    }

    private static Events runKit(Supplier<? extends BackendFixture> fixtures, DiscoverySelector... selectors) {
        ConfiguredKit.use(fixtures);
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectors)
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "6")
                .execute()
                .testEvents();
    }

    private static Set<String> methods(Stream<Event> events) {
        Set<String> names = new TreeSet<>();
        events.forEach(event -> event.getTestDescriptor()
                .getSource()
                .filter(MethodSource.class::isInstance)
                .map(source -> ((MethodSource) source).getMethodName())
                .ifPresent(names::add));
        return names;
    }

    private static String reason(Event event) {
        return event.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::getMessage)
                .orElse("");
    }

    @Test
    @DisplayName("the memory backend passes the whole kit; only capability gaps are skipped, each with its reason")
    void memoryPasses() {
        Events tests = runKit(MemoryFixture::new);
        assertThat(tests.failed().stream().map(e -> e.getTestDescriptor().getDisplayName() + ": " + reason(e)))
                .isEmpty();
        assertThat(tests.succeeded().count()).isGreaterThan(70);
        assertThat(tests.aborted().stream().map(TckSelfTest::reason))
                .allMatch(reason -> reason.startsWith("Assumption failed: capability missing: "));
        assertThat(methods(tests.aborted().stream()))
                .containsExactly("keyOneByteTooLong", "multiByteKeyMeasuredInBytes", "valueTooLarge");
    }

    @Test
    @DisplayName("a memory backend declaring memcached-like limits passes the whole kit with no test skipped")
    void limitedMemoryPasses() {
        StoreCapabilities limits = new StoreCapabilities(Duration.ofMillis(1), 250, 1 << 20);
        Events tests = runKit(() -> new MemoryFixture("memory with limits", limits));
        assertThat(tests.failed().stream().map(e -> e.getTestDescriptor().getDisplayName() + ": " + reason(e)))
                .isEmpty();
        assertThat(tests.aborted().count()).isZero();
        assertThat(tests.succeeded().count()).isGreaterThan(70);
    }

    @Test
    @DisplayName("every group is named after the fixture, so two fixtures in one module never share a name")
    void groupsAreNamedAfterTheFixture() {
        ConfiguredKit.use(() -> new MemoryFixture("acme", MemoryStore.CAPABILITIES));
        TestPlan plan = LauncherFactory.create()
                .discover(LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(ConfiguredKit.Bound.class))
                        .build());
        List<String> groups = new ArrayList<>();
        plan.getRoots()
                .forEach(root -> plan.getDescendants(root).stream()
                        .filter(TestIdentifier::isContainer)
                        .filter(id -> id.getSource()
                                .filter(ClassSource.class::isInstance)
                                .isPresent())
                        .forEach(id -> groups.add(id.getDisplayName())));
        assertThat(groups)
                .contains("acme: Store contract", "acme: Store: Expiry rules", "acme: Locker: Waiting")
                .filteredOn(name -> !name.equals("Bound"))
                .allMatch(name -> name.startsWith("acme: "));
    }

    @Test
    @DisplayName("there are at least 30 defective backends")
    void enoughDefects() {
        assertThat(Defects.all()).hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    @DisplayName("Tck.run reports the memory backend as conforming, with only capability skips")
    void programmaticRun() {
        TckReport report = Tck.run(new MemoryFixture(MemoryFixture.ROOM_FOR_PARALLEL_RUNS), 4);
        assertThat(report.failures()).isEmpty();
        assertThat(report.conforms()).isTrue();
        assertThat(report.passed()).isGreaterThan(80);
        // The three limit tests, the one that expires every key, the six outage tests and the four
        // lock fault tests that stop or stall the servers: side by side no test may stop the servers.
        assertThat(report.skips()).hasSize(14).allMatch(skip -> skip.contains("capability missing: "));
        assertThat(report.skips())
                .filteredOn(skip -> skip.contains("not while tests run side by side"))
                .hasSize(11);
        assertThat(report.skips())
                .filteredOn(skip -> skip.startsWith("Outage contract: "))
                .hasSize(6);
        assertThat(report.skips())
                .filteredOn(skip -> skip.startsWith("LockFault contract: "))
                .hasSize(4);
        assertThat(report.fixtureName()).isEqualTo("memory");
    }

    @Test
    @DisplayName("Tck.run reports a defective backend's failures by contract, group and test")
    void programmaticRunOfADefect() {
        TckReport report = Tck.run(DefectiveFixture.named("a multi-get that drops the last key")
                .store(Defects.MultiGetDropsLastKey::new)
                .build());
        assertThat(report.conforms()).isFalse();
        assertThat(report.failures())
                .anyMatch(
                        failure -> failure.startsWith("Store contract: Reading and writing > a multi-get of present"));
    }

    @TestFactory
    @DisplayName("every defective backend fails the kit, in the tests written to catch its defect")
    Stream<DynamicTest> everyDefectFailsTheKit() {
        // -Dtck.defects=TEXT runs only the defects whose name holds TEXT (while writing one).
        String only = System.getProperty("tck.defects", "");
        List<Defects.Defect> defects = Defects.all();
        return defects.stream()
                .filter(defect -> defect.name().contains(only))
                .map(defect -> DynamicTest.dynamicTest(defect.name(), () -> {
                    Events tests = runContractsOf(defect.fixtures(), defect.caughtBy());
                    Set<String> failed = methods(tests.failed().stream());
                    assertThat(failed)
                            .as("failed tests against '%s'", defect.name())
                            .isNotEmpty();
                    assertThat(failed)
                            .as("failed tests against '%s'", defect.name())
                            .containsAll(defect.caughtBy());
                }));
    }
}
