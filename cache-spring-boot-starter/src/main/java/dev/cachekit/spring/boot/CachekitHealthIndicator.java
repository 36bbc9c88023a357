package dev.cachekit.spring.boot;

import dev.cachekit.Cache;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of the cache's store: UP when a read reaches it, DOWN with the error when it does not,
 * including while a store that was unreachable at startup has not answered yet (the probe is then
 * also a chance for the cache to connect). Either way the details name the store ({@link
 * Cache#describe()}, which holds no credentials).
 *
 * <p>The probe is one read of a key no one writes, so it waits no longer than the store's own
 * timeout (for Redis, the URI's {@code timeout}, 2 seconds by default).
 */
public class CachekitHealthIndicator implements HealthIndicator {

    /** The key the probe reads; nothing writes it. */
    static final String PROBE_KEY = "cachekit-health-probe";

    private final Cache cache;

    /**
     * Creates the indicator.
     *
     * @param cache the cache whose store to probe
     */
    public CachekitHealthIndicator(Cache cache) {
        this.cache = cache;
    }

    @Override
    public Health health() {
        String store = cache.describe();
        try {
            cache.get(PROBE_KEY, Object.class);
            return Health.up().withDetail("store", store).build();
        } catch (RuntimeException e) {
            return Health.down()
                    .withDetail("store", store)
                    .withDetail("error", e.getClass().getName() + ": " + e.getMessage())
                    .build();
        }
    }
}
