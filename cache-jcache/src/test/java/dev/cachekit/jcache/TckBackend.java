package dev.cachekit.jcache;

import dev.cachekit.tck.ServerProcess;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Points the JSR-107 TCK at a backend before any of its tests runs. The TCK only ever asks {@code
 * Caching.getCachingProvider()} for the default cache manager, so the backend is chosen by the
 * default URI: with {@code -Ddev.cachekit.jcache.tck.backend=redis} (or {@code memcached}) this
 * starts that server on a free loopback port for the whole test run and sets {@value
 * JCacheProvider#URI_PROPERTY} to it; without it the TCK runs on {@code memory:/}.
 */
public final class TckBackend implements LauncherSessionListener {

    static final String BACKEND_PROPERTY = "dev.cachekit.jcache.tck.backend";

    private ServerProcess server;

    /** Called by the JUnit Platform, found through {@link java.util.ServiceLoader}. */
    public TckBackend() {}

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String backend = System.getProperty(BACKEND_PROPERTY, "memory");
        switch (backend) {
            case "memory" -> {}
            case "redis" -> {
                server = ServerProcess.redis();
                System.setProperty(JCacheProvider.URI_PROPERTY, "redis://" + server.address());
            }
            case "memcached" -> {
                server = ServerProcess.memcached(Map.of());
                System.setProperty(JCacheProvider.URI_PROPERTY, "memcached://" + server.address());
            }
            default ->
                throw new IllegalArgumentException(
                        BACKEND_PROPERTY + "=" + backend + " is not a TCK backend: use memory, redis or memcached");
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (server != null) {
            server.close();
            server = null;
            System.clearProperty(JCacheProvider.URI_PROPERTY);
        }
    }
}
