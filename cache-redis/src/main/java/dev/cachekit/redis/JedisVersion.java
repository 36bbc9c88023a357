package dev.cachekit.redis;

import dev.cachekit.CacheConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jedis lines this module runs on, and the check that the one on the class path is one of
 * them. The code uses only the API that Jedis 7 (what Spring Boot 4.0 manages) and Jedis 8 share,
 * and calls what only Jedis 8 has behind a check; both lines run the Redis TCK in the build.
 */
final class JedisVersion {

    /** The oldest Jedis this module runs on. */
    static final int OLDEST_MAJOR = 7;

    /** The newest Jedis line tested. */
    static final int NEWEST_MAJOR = 8;

    /** The version the build compiles against and recommends. */
    static final String RECOMMENDED = "8.0.2";

    private static final Logger LOG = LoggerFactory.getLogger(JedisVersion.class);
    private static final String PROPERTIES = "META-INF/maven/redis.clients/jedis/pom.properties";
    private static final String UNKNOWN = "unknown";

    private static volatile String checked;

    private JedisVersion() {}

    /**
     * Checks the Jedis on the class path, once.
     *
     * @throws CacheConfigurationException naming the version found, the version needed and the
     *     property to set, if it is older than {@value #OLDEST_MAJOR}.0 or missing
     */
    static void require() {
        if (checked != null) {
            return;
        }
        String found = found();
        String problem = problem(found);
        if (problem != null) {
            throw new CacheConfigurationException(problem);
        }
        if (!found.equals(UNKNOWN) && major(found) > NEWEST_MAJOR) {
            LOG.warn(
                    "cache-redis is tested with Jedis {}.x and {}.x; Jedis {} is on the class path",
                    OLDEST_MAJOR,
                    NEWEST_MAJOR,
                    found);
        }
        checked = found;
    }

    /**
     * The exception for a Jedis class or method that is missing at run time: the Jedis on the
     * class path is not one this module runs on.
     *
     * @param cause the linkage error
     * @return the exception to throw
     */
    static CacheConfigurationException unsupported(LinkageError cause) {
        return new CacheConfigurationException(message(found(), cause.toString()), cause);
    }

    /**
     * What is wrong with a Jedis version, or {@code null} if this module runs on it.
     *
     * @param found a version such as {@code 7.0.0}, or {@code "unknown"} (a repackaged Jedis
     *     without its Maven metadata, which is let through)
     * @return the message, or {@code null}
     */
    static String problem(String found) {
        if (found == null) {
            return message("none", "redis.clients:jedis is not on the class path");
        }
        if (found.equals(UNKNOWN)) {
            return null;
        }
        int major = major(found);
        return major >= OLDEST_MAJOR ? null : message(found, null);
    }

    /** The version of the Jedis on the class path, {@code "unknown"} without metadata, {@code null} if none. */
    static String found() {
        ClassLoader loader = JedisVersion.class.getClassLoader();
        if (loader.getResource("redis/clients/jedis/Jedis.class") == null) {
            return null;
        }
        try (InputStream in = loader.getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    private static int major(String version) {
        int end = 0;
        while (end < version.length() && version.charAt(end) >= '0' && version.charAt(end) <= '9') {
            end++;
        }
        try {
            return end == 0 ? -1 : Integer.parseInt(version.substring(0, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String message(String found, String detail) {
        return "cache-redis needs Jedis " + OLDEST_MAJOR + ".0 or newer (tested with Jedis " + OLDEST_MAJOR
                + ".x and " + NEWEST_MAJOR + ".x), but found Jedis " + found + " on the class path"
                + (detail != null ? " (" + detail + ")" : "")
                + ". Put a supported Jedis on the class path: with Spring Boot's dependency management, set the"
                + " Maven property <jedis.version>" + RECOMMENDED + "</jedis.version> (Gradle: ext['jedis.version'] = '"
                + RECOMMENDED + "'); otherwise depend on redis.clients:jedis:" + RECOMMENDED + " directly";
    }
}
