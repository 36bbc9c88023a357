package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The refresh-ahead contract passes on the memory backend and fails on one whose load lock is everyone's. */
class RefreshAheadSelfTest {

    private static Events run(Supplier<? extends BackendFixture> fixtures) {
        synchronized (ConfiguredKit.class) {
            ConfiguredKit.use(fixtures);
            return EngineTestKit.engine("junit-jupiter")
                    .selectors(selectNestedClass(List.of(ConfiguredKit.Bound.class), Tck.RefreshAheadTests.class))
                    .execute()
                    .testEvents();
        }
    }

    private static Set<String> methods(Events events) {
        Set<String> names = new TreeSet<>();
        events.stream()
                .forEach(event -> event.getTestDescriptor()
                        .getSource()
                        .filter(MethodSource.class::isInstance)
                        .map(source -> ((MethodSource) source).getMethodName())
                        .ifPresent(names::add));
        return names;
    }

    @Test
    @DisplayName("the memory backend passes every refresh-ahead test")
    void memoryPasses() {
        Events tests = run(MemoryFixture::new);
        assertThat(methods(tests.failed())).isEmpty();
        assertThat(methods(tests.succeeded()))
                .containsExactlyInAnyOrder("oneRefreshAcrossClients", "valueServedWhileLoading", "failureLeavesEntry");
    }

    @Test
    @DisplayName("a load lock granted to everyone fails the one-refresher test")
    void lockForEveryoneFails() {
        Events tests = run(() -> DefectiveFixture.named("lock for everyone")
                .locker(Defects.GrantsEveryone::new)
                .build());
        assertThat(methods(tests.failed())).contains("oneRefreshAcrossClients");
    }
}
