package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.ServerProcess;
import dev.cachekit.tck.Tck;

/**
 * The whole TCK over {@code rediss://} as an ACL user with only {@link
 * RedisTlsServers#CACHEKIT_RULES}: every Store, Tagger and Locker call cachekit makes is allowed by
 * those rules, over TLS with the server's certificate checked against the test CA and host name.
 */
class RedisTlsAclTckTest extends Tck {

    private static RedisFixture fixture;

    @Override
    protected BackendFixture fixture() {
        synchronized (RedisTlsAclTckTest.class) {
            if (fixture == null) {
                TestCertificates certs = TestCertificates.shared();
                ServerProcess server = RedisTlsServers.start(certs, certs.serverCert, false);
                fixture = RedisFixture.over(
                        "redis tls acl",
                        "rediss://" + RedisTlsServers.USER + ":" + RedisTlsServers.PASSWORD + "@" + server.address()
                                + "?socketTimeout=10s&" + RedisTlsServers.trust(certs),
                        server,
                        RedisTlsServers.adminClient(certs, server));
            }
            return fixture;
        }
    }
}
