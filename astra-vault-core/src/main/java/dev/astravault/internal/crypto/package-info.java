/**
 * Encryption at rest and key handling: the AES-256-GCM seal a durable store keeps secrets under
 * ({@code SecretCipher}), the built-in key lists and their one parser ({@code KeyProviders}, refusing a malformed key
 * with {@code MalformedKeyException}, which never quotes it), and SHA-256 and HMAC-SHA256 as hex with per-thread
 * instances ({@code Hashing}).
 */
@NullMarked
package dev.astravault.internal.crypto;

import org.jspecify.annotations.NullMarked;
