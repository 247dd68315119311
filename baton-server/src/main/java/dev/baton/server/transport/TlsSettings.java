package dev.baton.server.transport;

import dev.baton.core.error.BatonException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * HTTPS for the listener ({@code server.tls}): when set, the server speaks TLS only (no plain HTTP port) and
 * sends {@code Strict-Transport-Security}.
 *
 * @param certificate          PEM file with the server's certificate chain, leaf first ({@code -----BEGIN
 *                             CERTIFICATE-----} blocks)
 * @param privateKey           PEM file with the leaf's unencrypted private key: PKCS#8 ({@code BEGIN PRIVATE
 *                             KEY}; RSA, EC, Ed25519) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY})
 * @param hstsMaxAge           {@code max-age} of the HSTS header, whole seconds, 0 to send none; default 365 days
 * @param hstsIncludeSubDomains add {@code includeSubDomains} to the HSTS header; default false
 */
public record TlsSettings(Path certificate, Path privateKey, Duration hstsMaxAge, boolean hstsIncludeSubDomains) {
    /** One year, the value the HSTS preload list asks for. */
    public static final Duration DEFAULT_HSTS_MAX_AGE = Duration.ofDays(365);

    public TlsSettings {
        if (certificate == null) {
            throw BatonException.invalidInput("server.tls.certificate", "is required when server.tls is set");
        }
        if (privateKey == null) {
            throw BatonException.invalidInput("server.tls.privateKey", "is required when server.tls is set");
        }
        Objects.requireNonNull(hstsMaxAge, "server.tls.hstsMaxAge");
        if (hstsMaxAge.isNegative()) {
            throw BatonException.invalidInput("server.tls.hstsMaxAge", "must not be negative, got " + hstsMaxAge);
        }
    }

    /** With the default HSTS (365 days, no subdomains). */
    public TlsSettings(Path certificate, Path privateKey) {
        this(certificate, privateKey, DEFAULT_HSTS_MAX_AGE, false);
    }
}
