package dev.cachekit.jcache;

import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
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
    private Backend member;

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
            case "hazelcast" -> {
                // One member in this JVM, on a free port and joining no other, for the whole run; every
                // cache manager is a client of it, as an application's processes would be. The URI has
                // no options: the TCK builds bean names from it, and a '?' cannot be in one.
                int port = ServerProcess.freePort();
                member = Caches.backend("hazelcast://embedded?port=" + port + "&members=127.0.0.1:" + port);
                System.setProperty(JCacheProvider.URI_PROPERTY, "hazelcast://127.0.0.1:" + port);
            }
            default ->
                throw new IllegalArgumentException(BACKEND_PROPERTY + "=" + backend
                        + " is not a TCK backend: use memory, redis, memcached or hazelcast");
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (member != null) {
            member.close();
            member = null;
            System.clearProperty(JCacheProvider.URI_PROPERTY);
        }
        if (server != null) {
            server.close();
            server = null;
            System.clearProperty(JCacheProvider.URI_PROPERTY);
        }
    }
}
