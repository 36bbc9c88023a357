package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;

/**
 * Checks that opening a cache from a URI that carries a secret fails, or succeeds, without the
 * secret (or a control character) showing in any message, {@code toString} or description.
 */
public final class Secrets {

    private Secrets() {}

    /**
     * Opens {@code uri} and checks whatever comes out: the exception chain if it fails, the cache's
     * {@code toString} if it opens (the cache is closed again).
     *
     * @param uri a cache URI holding {@code secret}
     * @param secret text that must not appear
     * @return the failure, or {@code null} if the cache opened
     */
    public static Throwable openHidingSecret(String uri, String secret) {
        Throwable failure = catchThrowable(() -> {
            try (Cache cache = Caches.open(uri)) {
                assertThat(cache.toString()).doesNotContain(secret);
            }
        });
        if (failure != null) {
            assertThat(failure.getMessage())
                    .as("message from %s", uri.replace(secret, "<secret>"))
                    .doesNotContainPattern("[\\r\\n\\u0000-\\u0008]");
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage()))
                    .as("message of %s from %s", t.getClass().getName(), uri.replace(secret, "<secret>"))
                    .doesNotContain(secret);
            assertThat(t.toString()).doesNotContain(secret);
        }
        return failure;
    }
}
