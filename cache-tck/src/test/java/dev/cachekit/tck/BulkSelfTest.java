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
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** The bulk contract tests itself: the memory backend passes it, and every defective bulk store fails it. */
class BulkSelfTest {

    /** Runs the bulk group alone against fresh fixtures from {@code fixtures}. */
    private static Events runBulk(Supplier<? extends BackendFixture> fixtures) {
        synchronized (ConfiguredKit.class) {
            ConfiguredKit.use(fixtures);
            return EngineTestKit.engine("junit-jupiter")
                    .selectors(selectNestedClass(List.of(ConfiguredKit.Bound.class), Tck.BulkTests.class))
                    .execute()
                    .testEvents();
        }
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
    @DisplayName("the memory backend passes the bulk contract with nothing skipped")
    void memoryPasses() {
        Events tests = runBulk(MemoryFixture::new);
        assertThat(tests.failed().stream().map(e -> e.getTestDescriptor().getDisplayName() + ": " + reason(e)))
                .isEmpty();
        assertThat(tests.aborted().count()).isZero();
        assertThat(tests.succeeded().count()).isGreaterThanOrEqualTo(12);
    }

    @TestFactory
    @DisplayName("every defective bulk store fails the bulk contract, in the tests written to catch it")
    Stream<DynamicTest> everyDefectFails() {
        return BulkDefects.all().stream()
                .map(defect -> DynamicTest.dynamicTest(defect.name(), () -> {
                    Set<String> failed = methods(runBulk(defect.fixtures()).failed().stream());
                    assertThat(failed)
                            .as("failed tests against '%s'", defect.name())
                            .containsAll(defect.caughtBy());
                }));
    }
}
