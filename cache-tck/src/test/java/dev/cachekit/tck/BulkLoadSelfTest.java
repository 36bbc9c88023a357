package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The bulk-load contract tests itself: the memory backend passes it, and each defect of its path fails it. */
class BulkLoadSelfTest {

    private static Events runBulkLoadContract(Supplier<? extends BackendFixture> fixtures) {
        ConfiguredKit.use(fixtures);
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectNestedClass(List.of(ConfiguredKit.Bound.class), Tck.BulkLoadTests.class))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .execute()
                .testEvents();
    }

    private static Set<String> failedMethods(Events tests) {
        Set<String> names = new TreeSet<>();
        tests.failed().stream()
                .forEach(event -> event.getTestDescriptor()
                        .getSource()
                        .filter(MethodSource.class::isInstance)
                        .map(source -> ((MethodSource) source).getMethodName())
                        .ifPresent(names::add));
        return names;
    }

    @Test
    @DisplayName("the memory backend passes the bulk-load contract, with every test run")
    void memoryPasses() {
        Events tests = runBulkLoadContract(MemoryFixture::new);
        assertThat(tests.failed().stream()
                        .map(e -> e.getTestDescriptor().getDisplayName() + ": "
                                + e.getPayload(TestExecutionResult.class)
                                        .flatMap(TestExecutionResult::getThrowable)
                                        .map(Throwable::getMessage)
                                        .orElse("")))
                .isEmpty();
        assertThat(tests.aborted().count()).isZero();
        assertThat(tests.succeeded().count()).isEqualTo(7);
    }

    @TestFactory
    @DisplayName("every defect of the bulk-load path fails the contract, in the tests written to catch it")
    Stream<DynamicTest> everyDefectFails() {
        return BulkLoadDefects.all().stream()
                .map(defect -> DynamicTest.dynamicTest(defect.name(), () -> {
                    Set<String> failed = failedMethods(runBulkLoadContract(defect.fixtures()));
                    assertThat(failed)
                            .as("failed tests against '%s'", defect.name())
                            .containsAll(defect.caughtBy());
                }));
    }
}
