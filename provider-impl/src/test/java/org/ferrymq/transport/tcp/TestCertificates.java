package org.ferrymq.transport.tcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Key stores made at test time with the JDK's keytool, in a directory the test owns: a CA,
 * certificates it signs (server or client, with the subject alternative names and validity
 * asked for), and trust stores holding the CA. Every store has the password {@link #PASSWORD}.
 */
final class TestCertificates {

    static final String PASSWORD = "changeit";

    private final Path directory;

    TestCertificates(Path directory) {
        this.directory = directory;
    }

    /** A CA's key store {@code NAME.p12} and its certificate {@code NAME.pem}, and a trust store {@code NAME-trust.p12} holding it. */
    Path ca(String name) throws IOException, InterruptedException {
        Path store = directory.resolve(name + ".p12");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", "ca", "-keyalg", "EC", "-dname",
                "CN=" + name, "-ext", "bc:c", "-validity", "30");
        keytool("-exportcert", "-rfc", "-keystore", store.toString(), "-alias", "ca", "-file", pem(name).toString());
        Path trust = directory.resolve(name + "-trust.p12");
        keytool("-importcert", "-noprompt", "-keystore", trust.toString(), "-alias", "ca", "-file", pem(name).toString());
        return trust;
    }

    /**
     * A key store {@code NAME.p12} with a key whose certificate, for subject {@code cn}, the CA
     * {@code ca} signed; {@code extra} are keytool -gencert options (-ext SAN=..., -startdate).
     */
    Path signed(String ca, String name, String cn, String... extra) throws IOException, InterruptedException {
        Path store = directory.resolve(name + ".p12");
        Path request = directory.resolve(name + ".csr");
        Path certificate = directory.resolve(name + ".pem");
        keytool("-genkeypair", "-keystore", store.toString(), "-alias", name, "-keyalg", "EC", "-dname", "CN=" + cn);
        keytool("-certreq", "-keystore", store.toString(), "-alias", name, "-file", request.toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-keystore",
                directory.resolve(ca + ".p12").toString(), "-alias", "ca", "-infile", request.toString(), "-outfile",
                certificate.toString()));
        gencert.addAll(List.of(extra));
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-keystore", store.toString(), "-alias", "ca", "-file", pem(ca).toString());
        keytool("-importcert", "-keystore", store.toString(), "-alias", name, "-file", certificate.toString());
        return store;
    }

    /**
     * As the README shows: a key store {@code NAME.p12} with a self-signed certificate for
     * {@code cn} ({@code extra}: keytool -genkeypair options), and a trust store
     * {@code NAME-trust.p12} holding that certificate.
     */
    Path selfSigned(String name, String cn, String... extra) throws IOException, InterruptedException {
        Path store = directory.resolve(name + ".p12");
        List<String> genkeypair = new ArrayList<>(List.of("-genkeypair", "-keystore", store.toString(), "-alias", name,
                "-keyalg", "EC", "-dname", "CN=" + cn));
        genkeypair.addAll(List.of(extra));
        keytool(genkeypair.toArray(String[]::new));
        keytool("-exportcert", "-rfc", "-keystore", store.toString(), "-alias", name, "-file", pem(name).toString());
        keytool("-importcert", "-noprompt", "-keystore", directory.resolve(name + "-trust.p12").toString(), "-alias",
                name, "-file", pem(name).toString());
        return store;
    }

    private Path pem(String ca) {
        return directory.resolve(ca + ".pem");
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + String.join(" ", arguments) + " failed: " + output);
        }
    }
}
