package dev.cachekit.spring.boot;

import dev.cachekit.tck.ServerProcess;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Spring Boot on Hazelcast (embedded members)")
class HazelcastSpringCacheTest extends SpringCacheContract {

    private final String cluster =
            "cachekit-spring-" + UUID.randomUUID().toString().substring(0, 8);
    private final int[] ports = {ServerProcess.freePort(), ServerProcess.freePort()};

    @Override
    String[] nodeProperties(int node, String prefix) {
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
        return new String[] {
            "cachekit.uri=hazelcast://embedded?cluster=" + cluster + "&members=" + members + "&port=" + ports[node],
            "cachekit.prefix=" + prefix
        };
    }
}
