package dev.cachekit.redis;

import dev.cachekit.tck.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and certificates made with {@code openssl} in a temporary
 * directory: a server certificate for {@code 127.0.0.1}, an expired one, one for another host, a client certificate, and
 * a second CA that signed none of them. Trust stores are PKCS#12 files the JDK writes.
 */
final class TestCertificates {

    /** The password of every key and trust store made here. */
    static final String STORE_PASSWORD = "store-pw";

    private static TestCertificates shared;

    final Path dir;
    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path expiredCert;
    final Path otherHostCert;
    final Path clientKeyStore;
    final Path trustStore;
    final Path otherTrustStore;

    private TestCertificates() throws IOException {
        dir = Files.createTempDirectory("cachekit-tls-");
        dir.toFile().deleteOnExit();
        caCert = authority("ca");
        authority("other-ca");
        serverKey = dir.resolve("server.key");
        serverCert = sign("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost", false);
        expiredCert = sign("expired", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost", true);
        otherHostCert = sign("other-host", "elsewhere.example", "subjectAltName=DNS:elsewhere.example", false);
        Path clientCert = sign("client", "cachekit-client", "extendedKeyUsage=clientAuth", false);
        clientKeyStore = dir.resolve("client.p12");
        openssl(
                "pkcs12",
                "-export",
                "-in",
                clientCert.toString(),
                "-inkey",
                dir.resolve("client.key").toString(),
                "-name",
                "client",
                "-out",
                clientKeyStore.toString(),
                "-passout",
                "pass:" + STORE_PASSWORD);
        trustStore = trustStore("ca");
        otherTrustStore = trustStore("other-ca");
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().deleteOnExit());
        }
    }

    /**
     * The certificates, made once per JVM.
     *
     * @return them
     */
    static synchronized TestCertificates shared() {
        if (shared == null) {
            try {
                shared = new TestCertificates();
            } catch (IOException e) {
                throw new UncheckedIOException("could not make test certificates", e);
            }
        }
        return shared;
    }

    private Path authority(String name) {
        Path cert = dir.resolve(name + ".crt");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                dir.resolve(name + ".key").toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=cachekit test " + name);
        return cert;
    }

    /** A key and a certificate signed by the CA; an expired one is signed through {@code openssl ca}, which takes dates. */
    private Path sign(String name, String commonName, String extension, boolean expired) throws IOException {
        // The expired and other-host certificates carry the server's key.
        Path key = expired || name.equals("other-host") ? serverKey : dir.resolve(name + ".key");
        if (!Files.exists(key)) {
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
        }
        Path csr = dir.resolve(name + ".csr");
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + commonName, "-out", csr.toString());
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, extension + "\n");
        Path cert = dir.resolve(name + ".crt");
        if (!expired) {
            openssl(
                    "x509",
                    "-req",
                    "-in",
                    csr.toString(),
                    "-CA",
                    caCert.toString(),
                    "-CAkey",
                    dir.resolve("ca.key").toString(),
                    "-set_serial",
                    String.valueOf(System.nanoTime()),
                    "-days",
                    "2",
                    "-extfile",
                    ext.toString(),
                    "-out",
                    cert.toString());
            return cert;
        }
        Path db = dir.resolve("index.txt");
        Files.writeString(db, "");
        Files.writeString(dir.resolve("serial"), "1000\n");
        Path config = dir.resolve("ca.cnf");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "[ca]",
                        "default_ca = test",
                        "[test]",
                        "database = " + db,
                        "new_certs_dir = " + dir,
                        "serial = " + dir.resolve("serial"),
                        "default_md = sha256",
                        "policy = any",
                        "unique_subject = no",
                        "[any]",
                        "commonName = supplied",
                        "[ext]",
                        extension,
                        ""));
        openssl(
                "ca",
                "-batch",
                "-config",
                config.toString(),
                "-cert",
                caCert.toString(),
                "-keyfile",
                dir.resolve("ca.key").toString(),
                "-in",
                csr.toString(),
                "-out",
                cert.toString(),
                "-notext",
                "-extensions",
                "ext",
                "-startdate",
                "20200101000000Z",
                "-enddate",
                "20200102000000Z");
        return cert;
    }

    private Path trustStore(String authority) throws IOException {
        Path store = dir.resolve(authority + "-trust.p12");
        try (InputStream in = Files.newInputStream(dir.resolve(authority + ".crt"));
                OutputStream out = Files.newOutputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setCertificateEntry(
                    authority, CertificateFactory.getInstance("X.509").generateCertificate(in));
            keyStore.store(out, STORE_PASSWORD.toCharArray());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("could not write the trust store for " + authority, e);
        }
        return store;
    }

    private void openssl(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(ServerProcess.requireBinary("openssl", "openssl").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making certificates", e);
        }
    }
}
