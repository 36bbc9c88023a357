package dev.cachekit.redis;

import dev.cachekit.tck.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * Redis servers that speak TLS only ({@code --port 0 --tls-port N}) with the certificates of
 * {@link TestCertificates}, and the ACL users the tests log in as.
 */
final class RedisTlsServers {

    /**
     * The ACL rules cachekit needs, for a cache whose prefixes start with {@code tck} (the README
     * gives the same line with a placeholder for the prefix): the commands the store sends and its
     * scripts call, the cache's keys, and the lock-release channels.
     */
    static final String CACHEKIT_RULES = "resetkeys ~tck* ~tls:* resetchannels &cachekit:lock-released*"
            + " -@all +ping +get +set +mget +mset +del +incr +eval +evalsha +time +publish +subscribe +unsubscribe";

    static final String USER = "cachekit";
    static final String PASSWORD = "ck-pw-2f9";
    static final String LIMITED_USER = "no-set";

    private RedisTlsServers() {}

    /**
     * Starts a TLS-only server with the users {@value #USER} (the rules above) and {@value
     * #LIMITED_USER} (the same without {@code SET}), both with password {@value #PASSWORD}; the
     * default user stays open for the tests' raw client.
     *
     * @param certificate the server's certificate ({@link TestCertificates#serverCert} or the
     *     expired one)
     * @param clientCertificates whether clients must show a certificate (mutual TLS)
     * @return the server
     */
    static ServerProcess start(TestCertificates certs, java.nio.file.Path certificate, boolean clientCertificates) {
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(
                ServerProcess.requireBinary("redis-server", "redis-server").toString(),
                "--port",
                "0",
                "--tls-port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--tls-cert-file",
                certificate.toString(),
                "--tls-key-file",
                certs.serverKey.toString(),
                "--tls-ca-cert-file",
                certs.caCert.toString(),
                "--tls-auth-clients",
                clientCertificates ? "yes" : "no"));
        // redis-server takes an option's words as separate arguments, up to the next "--".
        command.add("--user");
        command.addAll(List.of((USER + " on >" + PASSWORD + " " + CACHEKIT_RULES).split(" ")));
        command.add("--user");
        command.addAll(
                List.of((LIMITED_USER + " on >" + PASSWORD + " " + CACHEKIT_RULES.replace(" +set", "")).split(" ")));
        return ServerProcess.start("redis-tls", command, port);
    }

    /**
     * The URI options that trust the test CA.
     *
     * @return {@code tlsTrustStore=...&tlsTrustStorePassword=...}
     */
    static String trust(TestCertificates certs) {
        return "tlsTrustStore=" + certs.trustStore + "&tlsTrustStorePassword=" + TestCertificates.STORE_PASSWORD;
    }

    /**
     * A client as the default (unrestricted) user over TLS, for the raw hooks.
     *
     * @return the client
     */
    static UnifiedJedis adminClient(TestCertificates certs, ServerProcess server) {
        try {
            java.security.KeyStore trust = java.security.KeyStore.getInstance(
                    certs.trustStore.toFile(), TestCertificates.STORE_PASSWORD.toCharArray());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return JedisClient.standalone(
                            new HostAndPort("127.0.0.1", server.port()),
                            JedisClient.configBuilder()
                                    .ssl(true)
                                    .sslSocketFactory(context.getSocketFactory())
                                    .sslParameters(new SSLParameters())
                                    .socketTimeoutMillis(30_000)
                                    .build(),
                            new redis.clients.jedis.ConnectionPoolConfig())
                    .commands();
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("could not build the admin TLS client", e);
        }
    }
}
