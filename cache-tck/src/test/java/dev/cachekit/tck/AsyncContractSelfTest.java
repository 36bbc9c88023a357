package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.LockSignal;
import dev.cachekit.spi.Store;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The async contract against the healthy memory backend, and against one whose lock release says
 * it released but leaves the lock key: the one part of the async path a backend decides.
 */
@DisplayName("the async contract tests itself")
class AsyncContractSelfTest {

    /** A release that answers true and deletes nothing, so the lock lasts its whole lease. */
    static final class ReleaseKeepsTheKey extends Defects.LockerDefect {
        ReleaseKeepsTheKey(Store store, LockSignal signal) {
            super(store, signal);
        }

        @Override
        public boolean release(LockLease lease) {
            return true;
        }
    }

    private static Events run(Supplier<? extends BackendFixture> fixtures) {
        ConfiguredKit.use(fixtures);
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectNestedClass(List.of(ConfiguredKit.Bound.class), Tck.AsyncTests.class))
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
    @DisplayName("the memory backend passes every async test")
    void memoryPasses() {
        Events tests = run(MemoryFixture::new);
        assertThat(tests.failed().stream()
                        .map(e -> e.getTestDescriptor().getDisplayName() + ": "
                                + e.getPayload(TestExecutionResult.class)
                                        .flatMap(TestExecutionResult::getThrowable)
                                        .map(Throwable::toString)
                                        .orElse("")))
                .isEmpty();
        assertThat(tests.succeeded().count()).isEqualTo(3);
    }

    @Test
    @DisplayName("a release that leaves the lock key fails the cancellation test")
    void releaseThatKeepsTheKeyFails() {
        String name = "a release that answers true and leaves the lock key";
        Events tests = run(() ->
                DefectiveFixture.named(name).locker(ReleaseKeepsTheKey::new).build());
        assertThat(failedMethods(tests)).contains("cancelLeavesNoLock");
    }
}
