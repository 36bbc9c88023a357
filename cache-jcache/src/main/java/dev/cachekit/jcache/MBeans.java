package dev.cachekit.jcache;

import dev.cachekit.spi.UriOptions;
import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** Registers a cache's configuration and statistics beans with the platform MBean server. */
final class MBeans {

    enum Kind {
        CacheConfiguration,
        CacheStatistics
    }

    private MBeans() {}

    static void register(JCache<?, ?> cache, Kind kind, Object bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(cache, kind);
        try {
            if (!server.isRegistered(name)) {
                server.registerMBean(bean, name);
            }
        } catch (InstanceAlreadyExistsException e) {
            // Registered by a concurrent call for the same cache: one bean is all that is needed.
        } catch (Exception e) {
            throw new CacheException("cannot register the " + kind + " bean " + name + ": " + e, e);
        }
    }

    static void unregister(JCache<?, ?> cache, Kind kind) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(cache, kind);
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (InstanceNotFoundException e) {
            // Gone already.
        } catch (Exception e) {
            throw new CacheException("cannot unregister the " + kind + " bean " + name + ": " + e, e);
        }
    }

    static ObjectName name(JCache<?, ?> cache, Kind kind) {
        String text = "javax.cache:type=" + kind + ",CacheManager="
                + safe(UriOptions.redact(cache.getCacheManager().getURI())) + ",Cache=" + safe(cache.getName());
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new CacheException("cache name " + cache.getName() + " makes no valid MBean name: " + e, e);
        }
    }

    /**
     * The characters JSR-107 replaces in a bean name (colon, equals, comma, newline) and those an
     * unquoted name value cannot hold either ({@code ? * "}, as in a URI with options), as dots.
     */
    private static String safe(String text) {
        return text == null ? "" : text.replaceAll(":|=|\n|,|\\?|\\*|\"", ".");
    }
}
