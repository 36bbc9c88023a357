package dev.cachekit.redis;

import dev.cachekit.CacheConfigurationException;
import dev.cachekit.internal.Printable;
import dev.cachekit.spi.UriOptions;
import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * The TLS options of a Redis URI: whom to trust, which client certificate to show, and whether
 * the server's certificate must name the host the URI names.
 *
 * <ul>
 *   <li>{@code tlsTrustStore}: a PKCS#12 or JKS file with the CA certificates to trust, default the
 *       Java runtime's; {@code tlsTrustStorePassword} its password, if it has one;
 *   <li>{@code tlsKeyStore}: a PKCS#12 or JKS file with the client's key and certificate, for
 *       servers that ask for one ({@code tls-auth-clients yes}, mutual TLS); {@code
 *       tlsKeyStorePassword} its password;
 *   <li>{@code tlsVerifyHostname}: {@code false} to accept a trusted certificate that does not name
 *       the host, default {@code true}.
 * </ul>
 */
final class RedisTls {

    private static final RedisTls DEFAULTS = new RedisTls(null, true);

    private final SSLContext context; // null: the runtime's default
    private final boolean verifyHostname;

    private RedisTls(SSLContext context, boolean verifyHostname) {
        this.context = context;
        this.verifyHostname = verifyHostname;
    }

    /**
     * Takes the TLS options.
     *
     * @param options the URI's options
     * @param shown the URI without secrets, for messages
     * @return the settings
     * @throws CacheConfigurationException if a store cannot be read, naming the option and file
     */
    static RedisTls from(UriOptions options, String shown) {
        String trustStore = options.take("tlsTrustStore").orElse(null);
        String trustPassword = options.take("tlsTrustStorePassword").orElse(null);
        String keyStore = options.take("tlsKeyStore").orElse(null);
        String keyPassword = options.take("tlsKeyStorePassword").orElse(null);
        boolean verifyHostname = options.takeBoolean("tlsVerifyHostname", true);
        if (trustStore == null && keyStore == null) {
            return verifyHostname ? DEFAULTS : new RedisTls(null, false);
        }
        try {
            TrustManagerFactory trust = null;
            if (trustStore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(trustStore, trustPassword, "tlsTrustStore", shown));
            }
            KeyManagerFactory keys = null;
            if (keyStore != null) {
                char[] password = keyPassword == null ? new char[0] : keyPassword.toCharArray();
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore, keyPassword, "tlsKeyStore", shown), password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return new RedisTls(context, verifyHostname);
        } catch (GeneralSecurityException e) {
            throw new CacheConfigurationException(
                    "the TLS options of " + shown + " do not make a TLS context: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String path, String password, String option, String shown) {
        File file = new File(path);
        if (!file.isFile()) {
            throw new CacheConfigurationException(
                    "option " + option + "=" + Printable.escape(path) + " in " + shown + " names no readable file");
        }
        try {
            return KeyStore.getInstance(file, password == null ? null : password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            // Never the password; the JDK's reason says whether it was wrong ("keystore password was incorrect").
            throw new CacheConfigurationException(
                    "option " + option + "=" + Printable.escape(path) + " in " + shown
                            + " is not a PKCS#12 or JKS file this password opens: " + e.getMessage(),
                    e);
        }
    }

    /** Whether any TLS option was given. */
    boolean configured() {
        return context != null || !verifyHostname;
    }

    /** Sets the socket factory and host name verification of a TLS client configuration. */
    void apply(DefaultJedisClientConfig.Builder config) {
        if (context != null) {
            config.sslSocketFactory(context.getSocketFactory());
        }
        // Set either way: without parameters of ours, what Jedis checks is up to its version.
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        config.sslParameters(parameters);
    }
}
