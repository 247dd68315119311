package dev.baton.server.transport;

import dev.baton.core.error.BatonException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an in-memory {@link KeyStore} from PEM files, the form certificates and keys come in from ACME clients,
 * cert-manager and {@code openssl}: a certificate chain (leaf first) and the leaf's unencrypted private key in
 * PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519/Ed448) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, wrapped
 * into PKCS#8 per RFC 5208 / RFC 8017 A.1). Encrypted keys and SEC1 EC keys ({@code BEGIN EC PRIVATE KEY}) are
 * refused with the {@code openssl} command that converts them. The key is checked to belong to the leaf
 * certificate by signing and verifying a probe. Stateless.
 */
public final class PemKeyStore {
    /** The alias of the one entry, and its (in-memory only) password. */
    public static final String ALIAS = "baton";
    static final char[] PASSWORD = "baton-in-memory".toCharArray();
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String CONVERT = "; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem";
    /** DER of AlgorithmIdentifier {rsaEncryption, NULL}. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PemKeyStore() {
    }

    /**
     * @throws BatonException INVALID_INPUT naming {@code server.tls.certificate} or {@code server.tls.privateKey}
     *                        when a file is missing, unreadable, not PEM, or the key does not match the certificate
     */
    public static KeyStore load(Path certificateFile, Path privateKeyFile) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(privateKeyFile);
        checkPair(key, chain.getFirst(), privateKeyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw BatonException.invalidInput("server.tls.privateKey", "cannot hold the key and certificate: "
                    + e.getMessage());
        }
    }

    static List<X509Certificate> certificates(Path file) {
        String text = read("server.tls.certificate", file);
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(text)) {
                if (block.type().equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw BatonException.invalidInput("server.tls.certificate", file + " holds an unreadable certificate: "
                    + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw BatonException.invalidInput("server.tls.certificate", file
                    + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    static PrivateKey privateKey(Path file) {
        String text = read("server.tls.privateKey", file);
        for (Block block : blocks(text)) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der(), file);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(wrapPkcs1(block.der()), file);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw BatonException.invalidInput("server.tls.privateKey", file
                        + " holds an encrypted key; Baton needs it unencrypted (protect the file instead)" + CONVERT);
                case "EC PRIVATE KEY" -> throw BatonException.invalidInput("server.tls.privateKey", file
                        + " holds a SEC1 EC key; Baton reads PKCS#8" + CONVERT);
                default -> {
                    // certificates or parameters next to the key: skip
                }
            }
        }
        throw BatonException.invalidInput("server.tls.privateKey", file
                + " holds no PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw BatonException.invalidInput("server.tls.privateKey", file
                + " holds a private key that is not RSA, EC or EdDSA, or is damaged");
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier rsaEncryption, OCTET STRING RSAPrivateKey }. */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[]{0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static void checkPair(PrivateKey key, X509Certificate leaf, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
        try {
            byte[] probe = "baton-tls-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another algorithm than the certificate's: does not match either
        }
        throw BatonException.invalidInput("server.tls.privateKey", keyFile + " is not the private key of the first"
                + " certificate in server.tls.certificate (" + leaf.getSubjectX500Principal().getName() + ")");
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                // damaged base64: treated as absent, reported as "holds no ..."
            }
        }
        return blocks;
    }

    private static String read(String setting, Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            throw BatonException.invalidInput(setting, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
